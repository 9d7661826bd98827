print("tapeless")
