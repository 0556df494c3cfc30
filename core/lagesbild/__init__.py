"""The lägesbild (situation picture): compiled statistics, the joint assessment, versions."""
