"""Pure rules of the plan context: no I/O, no framework."""
