// RIB
import BGP
