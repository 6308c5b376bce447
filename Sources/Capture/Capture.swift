// Capture: pcap reading.
