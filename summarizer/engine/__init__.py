"""How a brief is made and kept: the plan, the backend session, the live brief,
the verifying call, money, the brief cache, and verifying any brief."""
