"""反诈案例库 · Anti-Scam Casebook: the data model, checker and site generator."""
