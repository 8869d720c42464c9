#!/usr/bin/env python3
"""aiortc against aiortc in one process over 127.0.0.1: the figures `specrtc bench` prints beside
the SpecRTC stack's own. Run it with the interop venv's Python (SPECRTC_PYTHON, made by
`ensure_interop_venv` in Tools/lib/environment.sh, aiortc pinned there):

    python aiortc_bench.py [--runs 5] [--megabytes 32] [--message-size 65536]
                           [--low 1048576] [--high 4194304] [--memory-pairs 10] [--timeout 120]

Prints ONE JSON object on stdout (logs, if any, on stderr):
  {
    "implementation": "aiortc", "aiortc": "1.16.0", "aioice": "0.13.0", "python": "3.11.2",
    "setupMs": {"median": M, "min": A, "max": B, "samples": [...], "runs": 5},
        time from createOffer() on the offering connection to its data channel's "open" event:
        createOffer, setLocalDescription (gathering 127.0.0.1), the answerer's
        setRemoteDescription/createAnswer/setLocalDescription, the offerer's setRemoteDescription,
        ICE checks, DTLS handshake, SCTP association, DCEP OPEN/ACK. Median of --runs fresh pairs.
    "throughput": {"bytes": N, "messageSize": 65536, "seconds": S, "MBps": N/S/1e6,
                   "MiBps": N/S/2^20, "lowThreshold": L, "highWater": H,
                   "bufferedAmountLowWaits": W, "ordered": true, "reliable": true},
        --megabytes MiB sent on one reliable ordered channel in --message-size binary messages,
        from the first send() to the last byte received. Flow control: send while bufferedAmount <=
        --high, else wait for the "bufferedamountlow" event (bufferedAmountLowThreshold = --low);
        no sleeps.
    "memory": {"pairs": P, "bytesPerConnection": B, "method": "..."}
        resident set growth (VmRSS of /proc/self/status) over P connected pairs, each with an open
        channel, divided by 2P connections; null with --memory-pairs 0 or off Linux. Measured first,
        after one warm-up pair, so that memory freed by the other measurements does not hide it.
  }
On an error or a timeout (every wait is bounded by --timeout): {"error": "..."} and exit status 1.

Loopback only: aioice gathers 127.0.0.1 alone (its host-address discovery is replaced), and no STUN
or TURN server is configured.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.metadata
import json
import os
import platform
import statistics
import sys
import time

import aioice.ice
from aiortc import RTCConfiguration, RTCPeerConnection
from aiortc.rtcdatachannel import RTCDataChannel


def loopback_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    """Stands in for aioice.ice.get_host_addresses: 127.0.0.1 only."""
    return ["127.0.0.1"] if use_ipv4 else []


aioice.ice.get_host_addresses = loopback_host_addresses


class BenchError(Exception):
    pass


async def bounded(awaitable, seconds: float, what: str):
    try:
        return await asyncio.wait_for(awaitable, seconds)
    except asyncio.TimeoutError:
        raise BenchError(f"{what}: not done within {seconds} s") from None


def new_pc() -> RTCPeerConnection:
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


async def connect_pair(timeout: float) -> tuple[RTCPeerConnection, RTCPeerConnection, RTCDataChannel, RTCDataChannel, float]:
    """Two connected peer connections with one open in-band channel; returns also the ms from
    createOffer to the offerer's channel "open"."""
    loop = asyncio.get_running_loop()
    offerer, answerer = new_pc(), new_pc()
    channel = offerer.createDataChannel("bench")
    opened = loop.create_future()
    remote = loop.create_future()
    channel.on("open", lambda: opened.done() or opened.set_result(loop.time()))

    @answerer.on("datachannel")
    def on_datachannel(remote_channel: RTCDataChannel) -> None:
        if not remote.done():
            remote.set_result(remote_channel)

    try:
        started = loop.time()
        await bounded(offerer.setLocalDescription(await offerer.createOffer()), timeout, "offerer setLocalDescription")
        await bounded(answerer.setRemoteDescription(offerer.localDescription), timeout, "answerer setRemoteDescription")
        await bounded(answerer.setLocalDescription(await answerer.createAnswer()), timeout, "answerer setLocalDescription")
        await bounded(offerer.setRemoteDescription(answerer.localDescription), timeout, "offerer setRemoteDescription")
        open_at = await bounded(opened, timeout, "the data channel's open")
        remote_channel = await bounded(remote, timeout, "the answerer's datachannel event")
    except BaseException:
        await close_pair(offerer, answerer, timeout)
        raise
    return offerer, answerer, channel, remote_channel, (open_at - started) * 1000


async def close_pair(offerer: RTCPeerConnection, answerer: RTCPeerConnection, timeout: float) -> None:
    await bounded(asyncio.gather(offerer.close(), answerer.close()), timeout, "close")


async def setup_times(runs: int, timeout: float) -> dict:
    samples = []
    for _ in range(runs):
        offerer, answerer, _, _, ms = await connect_pair(timeout)
        samples.append(round(ms, 2))
        await close_pair(offerer, answerer, timeout)
    return {"median": round(statistics.median(samples), 2), "min": min(samples), "max": max(samples),
            "samples": samples, "runs": runs}


async def throughput(total: int, size: int, low: int, high: int, timeout: float) -> dict:
    loop = asyncio.get_running_loop()
    offerer, answerer, channel, sink, _ = await connect_pair(timeout)
    try:
        received = 0
        done = loop.create_future()

        @sink.on("message")
        def on_message(message) -> None:
            nonlocal received
            received += len(message)
            if received >= total and not done.done():
                done.set_result(loop.time())

        drained = asyncio.Event()
        channel.bufferedAmountLowThreshold = low
        channel.on("bufferedamountlow", drained.set)
        payload = os.urandom(size)
        count, rest = divmod(total, size)
        messages = [payload] * count + ([payload[:rest]] if rest else [])

        waits = 0

        async def send_all() -> None:
            nonlocal waits
            for message in messages:
                if channel.bufferedAmount > high:
                    drained.clear()
                    # bufferedAmount may have fallen to the threshold between the test and clear()
                    if channel.bufferedAmount > low:
                        waits += 1
                        await drained.wait()
                channel.send(message)

        started = loop.time()
        await bounded(send_all(), timeout, f"sending {total} bytes")
        finished = await bounded(done, timeout, f"receiving {total} bytes")
        seconds = finished - started
        return {"bytes": total, "messageSize": size, "seconds": round(seconds, 3),
                "MBps": round(total / seconds / 1e6, 2), "MiBps": round(total / seconds / 2**20, 2),
                "lowThreshold": low, "highWater": high, "bufferedAmountLowWaits": waits,
                "ordered": True, "reliable": True}
    finally:
        await close_pair(offerer, answerer, timeout)


def resident_bytes() -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


async def memory(pairs: int, timeout: float) -> dict | None:
    if pairs <= 0 or resident_bytes() is None:
        return None
    # One pair first, so that lazily imported modules and first-use caches are not counted.
    warm = await connect_pair(timeout)
    gc.collect()
    before = resident_bytes()
    live = []
    try:
        for _ in range(pairs):
            live.append(await connect_pair(timeout))
        gc.collect()
        after = resident_bytes()
    finally:
        for offerer, answerer, *_ in live + [warm]:
            await close_pair(offerer, answerer, timeout)
    return {"pairs": pairs, "bytesPerConnection": (after - before) // (2 * pairs),
            "method": "VmRSS growth over the pairs (each connected, one open channel) / (2 x pairs)"}


async def main_async(args: argparse.Namespace) -> dict:
    result: dict = {
        "implementation": "aiortc",
        "aiortc": importlib.metadata.version("aiortc"),
        "aioice": importlib.metadata.version("aioice"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    # Memory first: the freed buffers of the other measurements would be reused by the pairs, and
    # hide their growth.
    result["memory"] = await memory(args.memory_pairs, args.timeout)
    result["setupMs"] = await setup_times(args.runs, args.timeout)
    result["throughput"] = await throughput(int(args.megabytes * 2**20), args.message_size, args.low,
                                            args.high, args.timeout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="connection set-ups timed (default 5)")
    parser.add_argument("--megabytes", type=float, default=32, help="MiB sent for the throughput (default 32)")
    parser.add_argument("--message-size", type=int, default=65536, help="bytes per message (default 65536)")
    parser.add_argument("--low", type=int, default=1 << 20, help="bufferedAmountLowThreshold (default 1 MiB)")
    parser.add_argument("--high", type=int, default=4 << 20, help="send while bufferedAmount <= this (default 4 MiB)")
    parser.add_argument("--memory-pairs", type=int, default=10, help="pairs for the memory figure; 0: none (default 10)")
    parser.add_argument("--timeout", type=float, default=120, help="bound of every wait, in seconds (default 120)")
    args = parser.parse_args()
    if args.runs < 1 or args.message_size < 1 or args.megabytes <= 0 or not 0 <= args.low < args.high:
        parser.error("need --runs >= 1, --message-size >= 1, --megabytes > 0 and 0 <= --low < --high")
    try:
        result = asyncio.run(main_async(args))
    except BenchError as exc:
        print(json.dumps({"error": str(exc)}), flush=True)
        return 1
    print(json.dumps(result, indent=2), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
