"""Publishing the analysts' warehouse: the pseudonymised marts, checked, in a file of their own."""
