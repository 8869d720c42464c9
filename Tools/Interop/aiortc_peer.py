#!/usr/bin/env python3
"""A WebRTC data-channel interop peer built on aiortc, on loopback only, driven over stdin/stdout.

A test (or a person) starts it as a child process with the Python of the interop venv
(SPECRTC_PYTHON, made by `ensure_interop_venv` in Tools/lib/environment.sh, aiortc pinned there):

    python aiortc_peer.py --role offer|answer [--timeout SECONDS] [--idle-timeout SECONDS]
                          [--no-echo] [--channel LABEL]... [--transceiver KIND[:DIRECTION]]... [--debug]

Both directions carry one JSON object per line (UTF-8, "\\n"-terminated; stdout is flushed after
every line; logs go to stderr only). Tools/Interop/README.md documents the protocol in full, with
examples; in short:

stdin
  {"type": "offer"|"answer", "sdp": "..."}   the remote description (no trickle: whole SDP, with
                                               its a=candidate lines; "a=end-of-candidates" optional)
  {"cmd": "create", "label": L, "negotiated": true, "id": N, ...}   create a channel
  {"cmd": "send", "label": L | "id": N, "text": S | "binary": BASE64}
  {"cmd": "close", "label": L | "id": N}       close one channel
  {"cmd": "status"}                             report the state of the connection and channels
  {"cmd": "stop"}                               close the peer connection and exit 0
  end of file                                   the same as "stop" (reason "stdin-eof")

stdout
  {"type": "offer"|"answer", "sdp": "..."}    the local description, candidates included
  {"event": "state", "connectionState": ...}  (+ "iceRole", "dtlsRole" when "connected")
  {"event": "iceState", "iceConnectionState": ...}
  {"event": "datachannel", "label", "id", ...} the remote opened a channel in band (DCEP)
  {"event": "created", "label", "id", ...}     a "create" command or --channel made a channel
  {"event": "open", "label", "id"}
  {"event": "message", "label", "id", "text"|"binary", "size", "echoed"}
  {"event": "sent", "label", "id", "size", "bufferedAmount"}
  {"event": "close", "label", "id"}
  {"event": "status", ...}
  {"event": "error", "error": ...}            a command was refused; the peer goes on
  {"event": "failed", "error": ...}           fatal: exit status 1
  {"event": "closed", "reason": "stop"|"stdin-eof"|"remote"}   last line, exit status 0

Every data-channel message received is sent back on the same channel (text as text, binary as
binary, empty ones too), unless --no-echo (which two copies of this peer need, so that they do not
echo each other forever).

Bounded waits (--timeout, default 30 s): gathering, the remote description, ICE + DTLS up to
"connected", and closing. After "connected" the peer fails when nothing happens (no stdin line, no
channel event) for --idle-timeout seconds (default: --timeout).

Loopback only: aioice's host-address discovery is replaced so that it gathers 127.0.0.1 alone, no
STUN or TURN server is configured (RTCConfiguration(iceServers=[]); aiortc would otherwise use a
public STUN server), and a remote description whose candidates are not loopback IP literals (e.g.
mDNS ".local" names, which aioice would resolve by multicast) is refused with "failed".
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import ipaddress
import json
import logging
import os
import sys
import threading
from typing import Any, Optional

import aioice.ice
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.rtcdatachannel import RTCDataChannel

LOOPBACK = "127.0.0.1"

log = logging.getLogger("aiortc_peer")


def loopback_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    """Stands in for aioice.ice.get_host_addresses(use_ipv4, use_ipv6): loopback only."""
    return [LOOPBACK] if use_ipv4 else []


# aioice 0.13.0 calls get_host_addresses only from Connection.gather_candidates, through the global
# of aioice.ice (neither aiortc nor another aioice module imports it), so replacing it is enough.
aioice.ice.get_host_addresses = loopback_host_addresses


class PeerFailed(Exception):
    pass


class CommandError(Exception):
    pass


def emit(obj: dict) -> None:
    """Writes one JSON line on stdout and flushes it."""
    sys.stdout.write(json.dumps(obj, separators=(", ", ": ")) + "\n")
    sys.stdout.flush()


class StdinReader:
    """Reads stdin on a daemon thread, so the event loop never blocks on it and the process can exit
    while a read is pending. Lines go to an asyncio queue; end of file is None."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.lines: asyncio.Queue[Optional[bytes]] = asyncio.Queue()
        threading.Thread(target=self._run, name="stdin", daemon=True).start()

    def _run(self) -> None:
        buffer = b""
        try:
            while True:
                chunk = os.read(0, 1 << 20)
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


def check_remote_candidates(sdp: str) -> None:
    """Refuses a remote description with a candidate that is not a loopback IP literal."""
    for raw in sdp.splitlines():
        line = raw.strip()
        if not line.startswith("a=candidate:"):
            continue
        fields = line[len("a=candidate:"):].split()
        if len(fields) < 8:
            raise PeerFailed(f"bad candidate line {line!r}")
        host = fields[4]
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            raise PeerFailed(f"candidate {line!r}: not an IP literal (only loopback is allowed)") from None
        if not address.is_loopback:
            raise PeerFailed(f"candidate {line!r}: not a loopback address (only loopback is allowed)")


def channel_info(channel: RTCDataChannel) -> dict[str, Any]:
    return {"label": channel.label, "id": channel.id}


class Peer:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.role: str = args.role
        self.timeout: float = args.timeout
        self.idle_timeout: float = args.idle_timeout if args.idle_timeout is not None else args.timeout
        self.echo: bool = not args.no_echo
        self.loop = asyncio.get_running_loop()
        # iceServers=[]: no STUN server (aiortc's default is a public one). The offer has the
        # data-channel m-section with or without --channel: alwaysNegotiateDataChannels when there
        # is none. Not both: aiortc 1.16's createOffer leaves the m-section out when that option is
        # set AND a channel exists before the first offer.
        always = self.role == "offer" and not args.channel
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[], alwaysNegotiateDataChannels=always))
        # Media sections only (no tracks: aiortc sends nothing on them), to check negotiation.
        for spec in args.transceiver:
            kind, _, direction = spec.partition(":")
            self.pc.addTransceiver(kind, direction=direction or "sendrecv")
        self.channels: list[RTCDataChannel] = []
        self.reported_open: set[int] = set()  # id() of the channels whose "open" was printed
        self.wake = asyncio.Event()  # set by the callbacks: state changes and channel activity
        self.last_activity = self.loop.time()
        self.have_local = False
        self.have_remote = False
        self.connected = False
        self.closing = False

        @self.pc.on("connectionstatechange")
        def on_connection_state() -> None:
            state = self.pc.connectionState
            event: dict[str, Any] = {"event": "state", "connectionState": state}
            if state == "connected":
                event.update(self.roles())
            emit(event)
            self.touch()

        @self.pc.on("iceconnectionstatechange")
        def on_ice_state() -> None:
            emit({"event": "iceState", "iceConnectionState": self.pc.iceConnectionState})
            self.touch()

        @self.pc.on("datachannel")
        def on_datachannel(channel: RTCDataChannel) -> None:
            emit({"event": "datachannel", **channel_info(channel), "negotiated": channel.negotiated,
                  "ordered": channel.ordered, "protocol": channel.protocol,
                  "maxRetransmits": channel.maxRetransmits,
                  "maxPacketLifeTime": channel.maxPacketLifeTime})
            self.attach(channel)

    def touch(self) -> None:
        self.last_activity = self.loop.time()
        self.wake.set()

    def roles(self) -> dict[str, Any]:
        """The ICE and DTLS roles aiortc took (private attributes of aiortc 1.16)."""
        try:
            dtls = self.pc.sctp.transport  # type: ignore[union-attr]
            return {"iceRole": dtls.transport.role, "dtlsRole": dtls._role}
        except Exception:  # noqa: BLE001: best effort
            return {}

    # Channels.

    def attach(self, channel: RTCDataChannel) -> None:
        """Registers a channel and prints its events; prints "open" now when it is already open
        (aiortc opens negotiated channels, and channels the remote opened, before any listener)."""
        self.channels.append(channel)

        @channel.on("open")
        def on_open() -> None:
            self.report_open(channel)

        @channel.on("message")
        def on_message(message: Any) -> None:
            try:
                self.on_message(channel, message)
            except Exception as exc:  # noqa: BLE001: a callback must not raise into aiortc
                emit({"event": "error", "error": f"on message of {channel.label!r}: {exc!r}"})

        @channel.on("close")
        def on_close() -> None:
            emit({"event": "close", **channel_info(channel)})
            self.touch()

        if channel.readyState == "open":
            self.report_open(channel)

    def report_open(self, channel: RTCDataChannel) -> None:
        if id(channel) in self.reported_open:
            return
        self.reported_open.add(id(channel))
        emit({"event": "open", **channel_info(channel)})
        self.touch()

    def on_message(self, channel: RTCDataChannel, message: Any) -> None:
        self.touch()
        event: dict[str, Any] = {"event": "message", **channel_info(channel)}
        if isinstance(message, str):
            event["text"] = message
            event["size"] = len(message.encode("utf-8"))
        else:
            event["binary"] = base64.b64encode(message).decode("ascii")
            event["size"] = len(message)
        echoed = False
        problem = None
        if self.echo:
            if channel.readyState == "open":
                try:
                    channel.send(message)
                    echoed = True
                except Exception as exc:  # noqa: BLE001: e.g. over the remote's max-message-size
                    problem = f"echo on {channel.label!r} failed: {exc}"
            else:
                problem = f"no echo: channel {channel.label!r} is {channel.readyState}"
        event["echoed"] = echoed
        emit(event)
        if problem:
            emit({"event": "error", "error": problem})

    def find(self, command: dict) -> RTCDataChannel:
        """The channel a command names: by "id" when given, else by "label" (the most recent
        channel with that label that is not closed, else the most recent one)."""
        if command.get("id") is not None:
            matches = [c for c in self.channels if c.id == command["id"]]
        elif isinstance(command.get("label"), str):
            matches = [c for c in self.channels if c.label == command["label"]]
        else:
            raise CommandError("the command needs a 'label' or an 'id'")
        if not matches:
            raise CommandError(f"no channel with {'id' if command.get('id') is not None else 'label'} "
                               f"{command.get('id', command.get('label'))!r}")
        live = [c for c in matches if c.readyState != "closed"]
        return (live or matches)[-1]

    def create(self, label: str, **options: Any) -> RTCDataChannel:
        channel = self.pc.createDataChannel(label, **options)
        emit({"event": "created", **channel_info(channel), "negotiated": channel.negotiated,
              "ordered": channel.ordered, "protocol": channel.protocol})
        self.attach(channel)
        return channel

    # Commands.

    async def command(self, command: dict) -> bool:
        """Runs one command; returns True for "stop"."""
        name = command.get("cmd")
        if name == "stop":
            return True
        if not self.have_local:
            raise CommandError(f"command {name!r} before the local description (send the offer first)")
        if name == "create":
            label = command.get("label")
            if not isinstance(label, str):
                raise CommandError("create needs a string 'label'")
            options: dict[str, Any] = {}
            for key in ("negotiated", "id", "ordered", "maxRetransmits", "maxPacketLifeTime", "protocol"):
                if command.get(key) is not None:
                    options[key] = command[key]
            try:
                self.create(label, **options)
            except (ValueError, TypeError) as exc:
                raise CommandError(f"create {label!r}: {exc}") from None
        elif name == "send":
            channel = self.find(command)
            if ("text" in command) == ("binary" in command):
                raise CommandError("send needs exactly one of 'text' and 'binary' (base64)")
            if "text" in command:
                data: Any = command["text"]
                if not isinstance(data, str):
                    raise CommandError("'text' must be a string")
                size = len(data.encode("utf-8"))
            else:
                try:
                    data = base64.b64decode(command["binary"], validate=True)
                except (ValueError, TypeError) as exc:
                    raise CommandError(f"'binary' is not base64: {exc}") from None
                size = len(data)
            try:
                channel.send(data)
            except Exception as exc:  # noqa: BLE001: InvalidStateError has an empty message
                raise CommandError(f"send on {channel.label!r} ({channel.readyState}): {exc!r}") from None
            emit({"event": "sent", **channel_info(channel), "size": size,
                  "bufferedAmount": channel.bufferedAmount})
        elif name == "close":
            channel = self.find(command)
            channel.close()
        elif name == "status":
            emit(self.status())
        else:
            raise CommandError(f"unknown command {name!r}")
        return False

    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = {
            "event": "status",
            "connectionState": self.pc.connectionState,
            "iceConnectionState": self.pc.iceConnectionState,
            "signalingState": self.pc.signalingState,
            **self.roles(),
            "channels": [{**channel_info(c), "readyState": c.readyState, "negotiated": c.negotiated,
                          "bufferedAmount": c.bufferedAmount} for c in self.channels],
            "transceivers": [{"mid": t.mid, "kind": t.kind, "direction": t.direction,
                              "currentDirection": t.currentDirection} for t in self.pc.getTransceivers()],
        }
        sctp = self.pc.sctp
        if sctp is not None:  # private attributes of aiortc 1.16, best effort
            status["sctpState"] = sctp.state
            status["sctpPort"] = sctp.port
            status["remoteSctpPort"] = getattr(sctp, "_remote_port", None)
            status["remoteMaxMessageSize"] = getattr(sctp, "_remote_max_message_size", None)
            try:
                pair = sctp.transport.transport._connection._nominated.get(1)
                if pair is not None:
                    status["localAddress"] = f"{pair.local_addr[0]}:{pair.local_addr[1]}"
                    status["remoteAddress"] = f"{pair.remote_addr[0]}:{pair.remote_addr[1]}"
            except Exception:  # noqa: BLE001
                pass
        return status

    # Descriptions.

    async def publish_local(self, description: RTCSessionDescription) -> None:
        """setLocalDescription (which gathers: aiortc does not trickle) and prints the result."""
        try:
            await asyncio.wait_for(self.pc.setLocalDescription(description), self.timeout)
        except asyncio.TimeoutError:
            raise PeerFailed(f"gathering did not complete within {self.timeout} s") from None
        local = self.pc.localDescription
        emit({"type": local.type, "sdp": local.sdp})
        self.have_local = True

    async def remote_description(self, obj: dict) -> None:
        expected = "answer" if self.role == "offer" else "offer"
        if self.have_remote:
            raise CommandError("a remote description was already set (no renegotiation here)")
        if obj.get("type") != expected or not isinstance(obj.get("sdp"), str):
            raise PeerFailed(f"expected {{\"type\": \"{expected}\", \"sdp\": \"...\"}}, got type {obj.get('type')!r}")
        check_remote_candidates(obj["sdp"])
        try:
            await asyncio.wait_for(
                self.pc.setRemoteDescription(RTCSessionDescription(sdp=obj["sdp"], type=expected)),
                self.timeout)
        except asyncio.TimeoutError:
            raise PeerFailed(f"setRemoteDescription did not complete within {self.timeout} s") from None
        except Exception as exc:  # noqa: BLE001: aiortc raises ValueError, InvalidStateError, ...
            raise PeerFailed(f"setRemoteDescription({expected}) refused it: {exc!r}") from None
        self.have_remote = True
        self.remote_set_at = self.loop.time()
        if self.role == "answer":
            await self.publish_local(await self.pc.createAnswer())

    # The main loop.

    def deadline(self) -> tuple[float, str]:
        if not self.have_remote:
            return self.started + self.timeout, f"no remote description on stdin within {self.timeout} s"
        if not self.connected:
            return self.remote_set_at + self.timeout, f"not connected within {self.timeout} s of the remote description"
        return self.last_activity + self.idle_timeout, f"nothing happened for {self.idle_timeout} s (no command, no channel event)"

    async def run(self, stdin: StdinReader) -> str:
        """Returns the reason of a clean end ("stop", "stdin-eof", "remote"); raises PeerFailed."""
        self.started = self.loop.time()
        if self.role == "offer":
            for label in self.args.channel:
                self.create(label)
            await self.publish_local(await self.pc.createOffer())
        line_task: Optional[asyncio.Task] = None
        wake_task: Optional[asyncio.Task] = None
        try:
            while True:
                state = self.pc.connectionState
                if state == "failed":
                    raise PeerFailed("the peer connection failed (ICE or DTLS)")
                if state == "closed":
                    return "remote"
                if state == "connected" and not self.connected:
                    self.connected = True
                    self.last_activity = self.loop.time()
                deadline, why = self.deadline()
                remaining = deadline - self.loop.time()
                if remaining <= 0:
                    raise PeerFailed(why)
                if line_task is None:
                    line_task = asyncio.ensure_future(stdin.lines.get())
                self.wake.clear()
                wake_task = asyncio.ensure_future(self.wake.wait())
                done, _ = await asyncio.wait({line_task, wake_task}, timeout=remaining,
                                             return_when=asyncio.FIRST_COMPLETED)
                wake_task.cancel()
                if line_task not in done:
                    continue
                line = line_task.result()
                line_task = None
                if line is None:
                    return "stdin-eof"
                self.touch()
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                    if not isinstance(obj, dict):
                        raise ValueError("not a JSON object")
                except ValueError as exc:
                    emit({"event": "error", "error": f"line is not a JSON object: {exc}: {line[:200]!r}"})
                    continue
                try:
                    if "cmd" in obj:
                        if await self.command(obj):
                            return "stop"
                    elif "type" in obj:
                        await self.remote_description(obj)
                    else:
                        raise CommandError("a line needs 'cmd' or 'type'")
                except CommandError as exc:
                    emit({"event": "error", "error": str(exc)})
        finally:
            for task in (line_task, wake_task):
                if task is not None:
                    task.cancel()

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self.pc.close(), self.timeout)
        except asyncio.TimeoutError:
            log.warning("RTCPeerConnection.close() did not complete within %s s", self.timeout)


async def settle() -> None:
    """Cancels and awaits the tasks aiortc left behind, so nothing is destroyed pending at exit."""
    current = asyncio.current_task()
    for _ in range(3):
        tasks = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
        if not tasks:
            return
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks, timeout=2)


async def run(args: argparse.Namespace) -> int:
    loop = asyncio.get_running_loop()
    stdin = StdinReader(loop)
    peer = Peer(args)
    status = 0
    try:
        reason = await peer.run(stdin)
        await peer.close()
        emit({"event": "closed", "reason": reason})
    except PeerFailed as exc:
        log.error("%s", exc)
        await peer.close()
        emit({"event": "failed", "error": str(exc)})
        status = 1
    except Exception as exc:  # noqa: BLE001: whatever aiortc raised, reported as a line
        log.exception("unexpected error")
        await peer.close()
        emit({"event": "failed", "error": f"unexpected: {exc!r}"})
        status = 1
    await settle()
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--role", choices=["offer", "answer"], required=True,
                        help="offer: print an offer, read an answer; answer: read an offer, print an answer")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="bound of gathering, of the wait for the remote description, of connecting "
                             "and of closing, in seconds (default 30)")
    parser.add_argument("--idle-timeout", type=float, default=None,
                        help="fail when, once connected, nothing happens for this long (default: --timeout)")
    parser.add_argument("--no-echo", action="store_true", help="do not send received messages back")
    parser.add_argument("--channel", action="append", default=[], metavar="LABEL",
                        help="offer role: create an in-band (DCEP) channel LABEL before the offer (repeatable)")
    parser.add_argument("--transceiver", action="append", default=[], metavar="KIND[:DIRECTION]",
                        help="offer role: add an audio or video transceiver (no track) before the offer")
    parser.add_argument("--debug", action="store_true", help="aiortc's and aioice's debug logs on stderr")
    args = parser.parse_args()
    if args.channel and args.role != "offer":
        parser.error("--channel is for --role offer (the answerer creates channels with the create command)")
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if args.debug else logging.WARNING,
        format=f"%(asctime)s aiortc_peer[{args.role}] %(name)s %(levelname)s %(message)s",
    )
    try:
        return asyncio.run(run(args))
    except BrokenPipeError:  # whoever reads stdout has gone
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the flush at exit does not fail again
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
