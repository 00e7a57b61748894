"""The interpreter: free text to an operation and its arguments, learned from `corpus/`."""
