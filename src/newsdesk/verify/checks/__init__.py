"""What verification checks a draft sentence with: one module per kind of fact.

`verify/verifier.py` wires them; nothing here imports the verifier, judge or repair.
"""
