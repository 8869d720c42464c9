#!/usr/bin/env python3
"""An ICE interop peer built on aioice (the ICE library of aiortc), on loopback only.

A test starts it as a child process, with the Python of the interop venv (SPECRTC_PYTHON, made by
`ensure_interop_venv` in Tools/lib/environment.sh, aioice pinned there), and talks to it with one
JSON object per line:

    python aioice_peer.py --role controlling|controlled [--timeout SECONDS] [--debug]

stdout (only these JSON lines, each flushed as it is written):
  1. {"ufrag": "...", "pwd": "...", "candidates": ["<candidate>", ...]}
     Each candidate is exactly what aioice's Candidate.to_sdp() returns: the value of an SDP
     "a=candidate:" attribute WITHOUT the "candidate:" prefix, e.g.
     "6c2ab3a8ab1cd5f1d3e81a9cb67cbb4a 1 udp 2130706431 127.0.0.1 46525 typ host"
     (foundation = md5 hex of type, transport and address; transport in lower case; no generation).
  2. {"event": "connected", "local": "127.0.0.1:PORT", "remote": "127.0.0.1:PORT"}
     the nominated pair of component 1 (aioice's Connection._nominated[1]); or
     {"event": "failed", "error": "..."} and exit status 1 (bad remote description, no
     connectivity within the timeout, connection lost, ...).
  3. After "connected" the peer sends the datagram b"hello from aioice" on the nominated pair, then
     for each datagram it receives: {"event": "received", "hex": "<the datagram in hex>"}, and it
     sends back b"echo:" + datagram, unless the datagram itself starts with b"echo:" (so that two
     copies of this peer do not echo each other forever).
  4. {"event": "closed", "reason": "stdin-eof" | "timeout"} and exit status 0, when stdin reaches
     end of file or when --timeout seconds have passed since "connected".

stdin: ONE JSON line with the remote description, the same shape as line 1 of stdout:
  {"ufrag": "...", "pwd": "...", "candidates": ["<candidate>", ...]}, the candidates without the
  "candidate:" prefix (a leading "a=" or "candidate:" is tolerated and stripped). End-of-candidates
  is signalled to aioice after them (no trickling). After that line, stdin is only watched for end
  of file, which ends the peer.

Every phase is bounded by --timeout (default 20 s): waiting for the remote description, ICE
connectivity (connect()), and the data phase; so the peer stops by itself. Logs (aioice's own, at
INFO, or DEBUG with --debug, which shows every STUN message) go to stderr only.

Loopback only: aioice's host-address discovery is replaced so that it binds 127.0.0.1 alone (it
otherwise skips loopback and binds every other interface), no STUN or TURN server is configured, and
remote candidates whose address is not a loopback IP literal (e.g. mDNS ".local" names, which aioice
would resolve by multicast) are refused with "failed". No packet leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import logging
import os
import sys
import threading

import aioice
import aioice.ice

HELLO = b"hello from aioice"
ECHO_PREFIX = b"echo:"
LOOPBACK = "127.0.0.1"

log = logging.getLogger("aioice_peer")


def loopback_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    """Stands in for aioice.ice.get_host_addresses(use_ipv4, use_ipv6): loopback only."""
    return [LOOPBACK] if use_ipv4 else []


# aioice 0.13.0 calls get_host_addresses only from Connection.gather_candidates, through the global
# of aioice.ice (no other module imports it), so replacing that global is enough.
aioice.ice.get_host_addresses = loopback_host_addresses


class PeerFailed(Exception):
    pass


def emit(obj: dict) -> None:
    """Writes one JSON line on stdout and flushes it."""
    sys.stdout.write(json.dumps(obj, separators=(", ", ": ")) + "\n")
    sys.stdout.flush()


def endpoint(addr: tuple[str, int]) -> str:
    host, port = addr[0], addr[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class StdinReader:
    """Reads stdin (any kind of file descriptor) on a daemon thread, so the event loop never blocks
    on it and the process can exit while a read is pending. Uses os.read, which holds no lock of
    sys.stdin at interpreter shutdown. Lines go to an asyncio queue; end of file is None."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.lines: asyncio.Queue[bytes | None] = asyncio.Queue()
        threading.Thread(target=self._run, name="stdin", daemon=True).start()

    def _run(self) -> None:
        buffer = b""
        try:
            while True:
                chunk = os.read(0, 65536)
                if not chunk:
                    break
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    self.loop.call_soon_threadsafe(self.lines.put_nowait, line)
        except OSError:
            pass
        except RuntimeError:  # the event loop is closed: the peer is exiting
            return
        try:
            if buffer.strip():
                self.loop.call_soon_threadsafe(self.lines.put_nowait, buffer)
            self.loop.call_soon_threadsafe(self.lines.put_nowait, None)
        except RuntimeError:
            pass


def parse_candidate(text: str) -> aioice.Candidate:
    if not isinstance(text, str):
        raise PeerFailed(f"candidate is not a string: {text!r}")
    sdp = text.strip()
    for prefix in ("a=", "candidate:"):
        if sdp.startswith(prefix):
            sdp = sdp[len(prefix):]
    try:
        candidate = aioice.Candidate.from_sdp(sdp)
    except (ValueError, IndexError) as exc:
        raise PeerFailed(f"bad candidate {text!r}: {exc}") from exc
    try:
        address = ipaddress.ip_address(candidate.host)
    except ValueError:
        raise PeerFailed(f"candidate {text!r}: not an IP literal (only loopback is allowed)") from None
    if not address.is_loopback:
        raise PeerFailed(f"candidate {text!r}: not a loopback address (only loopback is allowed)")
    return candidate


def parse_description(line: bytes) -> tuple[str, str, list[aioice.Candidate]]:
    try:
        description = json.loads(line)
    except ValueError as exc:
        raise PeerFailed(f"remote description is not JSON: {exc}: {line[:200]!r}") from exc
    if not isinstance(description, dict):
        raise PeerFailed("remote description is not a JSON object")
    ufrag, pwd, candidates = (description.get(k) for k in ("ufrag", "pwd", "candidates"))
    if not isinstance(ufrag, str) or not isinstance(pwd, str):
        raise PeerFailed("remote description needs string 'ufrag' and 'pwd'")
    if not isinstance(candidates, list):
        raise PeerFailed("remote description needs a list 'candidates'")
    return ufrag, pwd, [parse_candidate(c) for c in candidates]


async def run(role: str, timeout: float) -> int:
    loop = asyncio.get_running_loop()
    stdin = StdinReader(loop)
    conn = aioice.Connection(
        ice_controlling=(role == "controlling"),
        components=1,
        use_ipv4=True,
        use_ipv6=False,
    )
    try:
        await conn.gather_candidates()
        stray = [c for c in conn.local_candidates if c.host != LOOPBACK]
        if stray or not conn.local_candidates:
            raise PeerFailed(f"unexpected local candidates: {conn.local_candidates}")
        emit({
            "ufrag": conn.local_username,
            "pwd": conn.local_password,
            "candidates": [c.to_sdp() for c in conn.local_candidates],
        })

        # The remote description.
        try:
            line = await asyncio.wait_for(stdin.lines.get(), timeout)
        except asyncio.TimeoutError:
            raise PeerFailed(f"no remote description on stdin within {timeout} s") from None
        if line is None:
            raise PeerFailed("stdin closed before the remote description")
        ufrag, pwd, candidates = parse_description(line)
        conn.remote_username = ufrag
        conn.remote_password = pwd
        for candidate in candidates:
            await conn.add_remote_candidate(candidate)
        await conn.add_remote_candidate(None)
        log.info("remote ufrag %s, %d candidate(s); connecting as %s", ufrag, len(candidates), role)

        # Connectivity checks.
        started = loop.time()
        try:
            await asyncio.wait_for(conn.connect(), timeout)
        except asyncio.TimeoutError:
            raise PeerFailed(f"ICE did not connect within {timeout} s") from None
        except ConnectionError as exc:
            raise PeerFailed(f"ICE failed: {exc}") from None
        pair = conn._nominated.get(1)
        if pair is None:
            raise PeerFailed("connect() returned without a nominated pair for component 1")
        log.info("connected in %.3f s: %s", loop.time() - started, pair)
        emit({"event": "connected", "local": endpoint(pair.local_addr), "remote": endpoint(pair.remote_addr)})

        # Data: hello, then echo what arrives, until stdin's end of file or the deadline.
        await conn.send(HELLO)
        deadline = loop.time() + timeout
        eof = asyncio.ensure_future(stdin_eof(stdin))
        try:
            while True:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    emit({"event": "closed", "reason": "timeout"})
                    return 0
                received = asyncio.ensure_future(conn.recv())
                done, _ = await asyncio.wait({received, eof}, timeout=remaining,
                                             return_when=asyncio.FIRST_COMPLETED)
                if received not in done:
                    received.cancel()
                    try:
                        await received
                    except (asyncio.CancelledError, ConnectionError):
                        pass
                    if eof in done:
                        emit({"event": "closed", "reason": "stdin-eof"})
                        return 0
                    continue  # deadline: reported at the top of the loop
                try:
                    data = received.result()
                except ConnectionError as exc:
                    raise PeerFailed(f"connection lost: {exc}") from None
                emit({"event": "received", "hex": data.hex()})
                if not data.startswith(ECHO_PREFIX):
                    await conn.send(ECHO_PREFIX + data)
        finally:
            eof.cancel()
    except PeerFailed as exc:
        log.error("%s", exc)
        emit({"event": "failed", "error": str(exc)})
        return 1
    finally:
        await conn.close()


async def stdin_eof(stdin: StdinReader) -> None:
    """Returns at stdin's end of file, ignoring any further lines."""
    while await stdin.lines.get() is not None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--role", choices=["controlling", "controlled"], required=True)
    parser.add_argument("--timeout", type=float, default=20.0,
                        help="bound of each phase, in seconds (default 20)")
    parser.add_argument("--debug", action="store_true", help="log every STUN message to stderr")
    args = parser.parse_args()
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if args.debug else logging.INFO,
        format=f"%(asctime)s aioice_peer[{args.role}] %(name)s %(levelname)s %(message)s",
    )
    try:
        return asyncio.run(run(args.role, args.timeout))
    except BrokenPipeError:  # whoever reads stdout has gone
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the flush at exit does not fail again
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
