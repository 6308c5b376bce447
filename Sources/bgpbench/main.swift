print("bgpbench: no benchmarks yet")
