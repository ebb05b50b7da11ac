"""The gunicorn worker for viewer/gunicorn_conf.py: gthread, letting go of the listening socket
as soon as it starts stopping.

A stopping gthread worker stops accepting but keeps its copy of the listening socket open until
it exits, so the kernel keeps completing new connections into a queue nobody reads: a browser
or load balancer waits there for the whole grace period. This worker closes its copy at once;
the master has closed its own, so once every worker has begun stopping the address refuses new
connections (and those already queued are reset), while the requests in flight run to their
end. A worker stopped alone (fewer workers, a reload) leaves the socket to the others.
"""

from __future__ import annotations

from gunicorn.workers.gthread import ThreadWorker


class StoppingThreadWorker(ThreadWorker):
    def set_accept_enabled(self, enabled: bool) -> None:
        """gthread calls this with False once the stop begins, to stop polling the listeners."""
        super().set_accept_enabled(enabled)
        if not enabled and not self.alive:
            for listener in self.sockets:
                listener.close()
