"""What verification checks a draft sentence with: one module per kind of fact.

`stages/verify.py` wires them; nothing here imports a stage.
"""
