"""`opsbot playground`: the real app against a built-in local workspace, in the browser."""
