"""The NLP stages on a Dask cluster: each worker loads the model once, this process reads and writes the store.

`--dask tcp://host:8786` joins a running scheduler (its workers need depeches installed); `--dask local:N` starts a
cluster of N worker processes on this machine for the length of the run. Batches come back in reading order, so a
run on Dask gives the same store as a run in one process.
"""

import asyncio
import logging
import threading
from concurrent.futures import Future

from distributed import Client, LocalCluster, WorkerPlugin

from extract.nlp import Extraction, extract_docs, load
from pipelines.workers import IN_FLIGHT_PER_WORKER, ClusterError

__all__ = ["DaskExtractor", "ModelPlugin", "LOCAL_PREFIX", "parse_local"]

LOCAL_PREFIX = "local:"
# How long to wait for a scheduler to answer before telling the user it cannot be reached.
CONNECT_TIMEOUT_S = 30
# The plugin loads the model in a thread (the worker keeps answering the scheduler meanwhile); a task arriving
# before it is done waits on this lock instead of loading a second copy.
_loading = threading.Lock()


def _model(model: str):
    with _loading:
        return load(model)


class ModelPlugin(WorkerPlugin):
    """Loads the model when a worker starts (or joins later), so that no task pays for it."""

    name = "depeches-model"

    def __init__(self, model: str) -> None:
        self.model = model

    async def setup(self, worker) -> None:
        await asyncio.to_thread(_model, self.model)


def _extract_on_worker(items: list[tuple[str, str | None]], model: str, batch_size: int) -> list[Extraction]:
    return list(extract_docs(_model(model), items, batch_size=batch_size))


def parse_local(address: str) -> int | None:
    """The number of workers of a local:N address, None for a scheduler address; a bad N raises a ClusterError."""
    if not address.startswith(LOCAL_PREFIX):
        return None
    count = address[len(LOCAL_PREFIX):]
    if not count.isdigit() or int(count) < 1:
        raise ClusterError(f"--dask {address}: expected local:N with N a number of workers, e.g. local:2")
    return int(count)


class DaskExtractor:
    """Extraction on the workers of a Dask cluster, joined (or started) on the first batch that needs it."""

    def __init__(self, address: str, model: str, batch_size: int) -> None:
        self.address, self.model, self.batch_size = address, model, batch_size
        self.workers = parse_local(address)
        self._client: Client | None = None
        self._cluster: LocalCluster | None = None

    @property
    def window(self) -> int:
        """Batches in flight: two for each worker of the cluster."""
        return IN_FLIGHT_PER_WORKER * max(1, self.workers or 1)

    def _connect(self) -> Client:
        if self.workers is not None:
            self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(self._cluster)
        else:
            try:
                client = Client(self.address, timeout=CONNECT_TIMEOUT_S)
            except OSError as error:
                raise ClusterError(f"cannot reach the Dask scheduler at {self.address}: {error}") from error
            self.workers = len(client.scheduler_info()["workers"])
        client.register_plugin(ModelPlugin(self.model))
        return client

    def submit(self, items: list[tuple[str, str | None]]) -> Future:
        if self._client is None:
            self._client = self._connect()
        return self._client.submit(_extract_on_worker, items, self.model, self.batch_size, pure=False)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
