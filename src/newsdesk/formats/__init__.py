"""Text formats of a written story: the house layout (seed 000) and the voice layout (seed 001),
each written and read back exactly."""
