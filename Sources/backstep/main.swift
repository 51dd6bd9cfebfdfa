print("Backstep")
