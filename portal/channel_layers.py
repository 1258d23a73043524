"""The Redis channel layer of live discussions: channels-redis's pub/sub layer, plus what our sockets rely on.

Why pub/sub: with `channels_redis.core.RedisChannelLayer` a message to a room of 50 sockets became 50
entries in Redis, which each server process popped one by one (a BZPOPMIN round trip and a decode per
socket). `RedisPubSubChannelLayer` subscribes each group once per process and fans out in the process:
one PUBLISH per message, one read per process. Group membership lives in the process, so it never goes
stale when a process dies (the core layer kept dead channels in its groups until `group_expiry`).

What this subclass adds to the library's layer (channels-redis 4.3, pinned in constraints.txt; the
tests in learning/tests/test_channel_layers.py and test_redis_restart.py fail if an upgrade changes it):
- Redis lost: when the process's subscription connection fails and cannot be re-established at once,
  every socket of the process gets the error from `receive()` (as with the core layer's BZPOPMIN), so the
  consumer closes it with 4503, the page says live updates are paused and the client comes back with
  backoff. The layer then forgets its subscriptions and reconnects from scratch on the next use. (The
  library logs the error and keeps waiting: the sockets stayed open, deaf, and never said so.)
- A short Redis restart that the connection survives (redis-py reconnects and re-subscribes in its own
  retry) keeps the sockets open; messages published during the gap are lost, as they are in pub/sub.
- `capacity`: at most this many messages wait for one socket (a client that stopped reading); further
  ones are dropped with a warning, as the core layer did. The library's queues were unbounded.
- A socket refused because Redis is down leaves no queue behind.
"""

import asyncio
import logging

from channels_redis.pubsub import RedisPubSubChannelLayer, RedisPubSubLoopLayer, RedisSingleShardConnection
from channels_redis.utils import _close_redis, _wrap_close, decode_hosts
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

LOST = (RedisConnectionError, RedisTimeoutError, OSError)


class ChannelLayerUnreachable(RedisConnectionError):
    """Raised by `receive()` on every socket of a process whose connection to Redis was lost."""


class PubSubChannelLayer(RedisPubSubChannelLayer):
    def _get_layer(self):
        loop = asyncio.get_running_loop()
        try:
            return self._layers[loop]
        except KeyError:
            layer = self._layers[loop] = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            _wrap_close(self, loop)
            return layer

    def deserialize(self, message):
        if isinstance(message, ChannelLayerUnreachable):
            raise message
        return super().deserialize(message)


class _LoopLayer(RedisPubSubLoopLayer):
    def __init__(self, hosts=None, *, capacity: int = 100, **kwargs):
        super().__init__(hosts, **kwargs)
        self.capacity = capacity
        self._shards = [_Shard(host, self) for host in decode_hosts(hosts)]

    async def _subscribe_to_channel(self, channel):
        self.channels[channel] = asyncio.Queue(maxsize=self.capacity)
        try:
            await self._get_shard(channel).subscribe(channel)
        except BaseException:
            self.channels.pop(channel, None)
            raise

    def connection_lost(self, error: BaseException) -> None:
        """Fail every socket of this process (each gets its own exception) and forget the groups."""
        channels, self.channels, self.groups = self.channels, {}, {}
        for queue in channels.values():
            while queue.full():  # make room: the failure must reach a socket that stopped reading too
                queue.get_nowait()
            queue.put_nowait(ChannelLayerUnreachable(f"channel layer connection lost: {error}"))


class _Shard(RedisSingleShardConnection):
    async def _do_receiving(self):
        while True:
            try:
                if self._pubsub and self._pubsub.subscribed:
                    message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
                    self._receive_message(message)
                else:
                    await asyncio.sleep(0.1)
            except (asyncio.CancelledError, GeneratorExit):
                raise
            except LOST as error:
                # redis-py already tried to reconnect (and re-subscribe) once, in vain.
                logger.warning(
                    "channel layer: connection to Redis lost, closing this process's sockets: %s", error
                )
                await self._reset()
                self.channel_layer.connection_lost(error)
            except BaseException:
                logger.exception("Unexpected exception in receive task")
                await asyncio.sleep(1)

    async def _reset(self) -> None:
        """Forget the connections and subscriptions; the next subscribe or publish starts afresh."""
        async with self._lock:
            redis, pubsub, self._redis, self._pubsub = self._redis, self._pubsub, None, None
            self._subscribed_to = set()
        try:
            if pubsub is not None:
                await pubsub.aclose()
            if redis is not None:
                await _close_redis(redis)
        except Exception:  # the connections are dead already
            pass

    def _receive_message(self, message):
        if message is None:
            return
        name, data = message["channel"], message["data"]
        if isinstance(name, bytes):
            name = name.decode()
        layer = self.channel_layer
        if name in layer.channels:
            targets = (name,)
        else:
            targets = layer.groups.get(name, ())
        for channel in targets:
            queue = layer.channels.get(channel)
            if queue is None:
                continue
            try:
                queue.put_nowait(data)
            except asyncio.QueueFull:
                logger.warning(
                    "channel layer: %s is full (%d waiting), message dropped", channel, queue.qsize()
                )
