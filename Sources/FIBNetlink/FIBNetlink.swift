// FIBNetlink: pure-Swift rtnetlink. See README.
import CNetlink
