"""Distribution lists: who receives the internal and the public lägesbild."""
