"""The web console: server-rendered pages under /console that call the registry directly."""
