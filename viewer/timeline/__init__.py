"""The timeline of a run: when each step ran, drawn as a Gantt chart on the server."""
