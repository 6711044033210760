"""What the model said: findings read from its answer, however broken, and placed in the code."""
