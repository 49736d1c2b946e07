"""Live events: the hub, the WebSockets that forward it, and the agents' feed."""
