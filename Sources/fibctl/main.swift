print("fibctl")
