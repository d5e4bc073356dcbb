"""The pages of councils, one module per concern: start (the user, their organisations
and municipalities), councils (councils, members, meetings, decisions, the coordination
function), history, two_factor, and health (the probes and the benchmark's baseline)."""
