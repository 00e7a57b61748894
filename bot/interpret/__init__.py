"""The offline interpreter: free text to an operation and its arguments, learned and calibrated."""
