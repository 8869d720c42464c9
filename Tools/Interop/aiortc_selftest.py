#!/usr/bin/env python3
"""Self-test of aiortc_peer.py: two copies of it, one offering and one answering, their SDP wired
through this driver over their pipes; one of them (--no-echo) sends and checks the echoes, the
other echoes. Twice: the offerer drives, then the answerer does.

    python aiortc_selftest.py [--verbose]      (Tools/Interop/aiortc_selftest.sh makes the venv first)

Checks, over 127.0.0.1 only:
  - the offer and the answer carry candidates (no trickle), host 127.0.0.1 only, and the
    data-channel m-section (UDP/DTLS/SCTP webrtc-datachannel, a=sctp-port, a=max-message-size);
  - an in-band (DCEP) channel made with --channel (or with "create" by the answerer), and a
    negotiated one made with "create" on both sides, open on both sides, with ids of the right
    parity (RFC 8832: odd for the DTLS server, which aiortc's offerer is);
  - messages of mixed sizes (empty, 1 byte, 1 KiB, 64 KiB), text and binary, come back as they were
    sent, of the same kind, in order, on each channel;
  - a refused command is an "error" line and the peer goes on;
  - "close" of one channel is seen by both sides; "status" reports the rest;
  - "stop" ends the driver with "closed"/"stop" and status 0, and the echoer then ends by itself
    ("closed"/"remote") or at the end of its stdin ("closed"/"stdin-eof"), status 0;
  - a peer whose stdin ends before the remote description exits 0 ("stdin-eof"), and one whose
    remote description never comes exits 1 ("failed") after --timeout.
Prints "N passed, M failed" and exits non-zero on any failure.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import queue
import random
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "aiortc_peer.py")

passed = 0
failed = 0
verbose = False


def check(condition: bool, what: str) -> bool:
    global passed, failed
    if condition:
        passed += 1
        if verbose:
            print(f"ok: {what}")
    else:
        failed += 1
        print(f"FAIL: {what}")
    return condition


class Peer:
    """One aiortc_peer.py child: its stdout JSON lines in a queue, its stderr kept for failures."""

    def __init__(self, name: str, *args: str) -> None:
        self.name = name
        self.process = subprocess.Popen(
            [sys.executable, PEER, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        self.lines: queue.Queue = queue.Queue()
        self.pending: list[dict] = []  # lines read but not taken by wait_for yet
        self.stderr = b""
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read(self) -> None:
        for raw in self.process.stdout:
            try:
                self.lines.put(json.loads(raw))
            except ValueError:
                self.lines.put({"event": "not-json", "line": raw.decode(errors="replace")})
        self.lines.put(None)

    def _read_stderr(self) -> None:
        self.stderr = self.process.stderr.read()

    def send(self, obj: dict) -> None:
        try:
            self.process.stdin.write((json.dumps(obj) + "\n").encode())
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError):  # the peer has gone: its lines tell why
            print(f"{self.name}: stdin is closed (the peer has exited)")

    def close_stdin(self) -> None:
        try:
            self.process.stdin.close()
        except BrokenPipeError:
            pass

    def wait_for(self, predicate, seconds: float = 20.0, what: str = "") -> dict | None:
        """Takes the first line not taken yet that matches: lines that do not match stay for later
        calls (so that the events of one channel can be awaited while another's arrive)."""
        for index, line in enumerate(self.pending):
            if predicate(line):
                return self.pending.pop(index)
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                print(f"{self.name}: timed out waiting for {what}")
                return None
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                self.lines.put(None)  # stays at the end
                print(f"{self.name}: stdout ended while waiting for {what}")
                return None
            if verbose:
                shown = json.dumps(line)
                print(f"  {self.name} < {shown[:160]}{'...' if len(shown) > 160 else ''}")
            if line.get("event") == "failed":
                print(f"{self.name}: failed: {line}")
            if predicate(line):
                return line
            self.pending.append(line)

    def exit_status(self, seconds: float = 15.0) -> int | None:
        try:
            return self.process.wait(seconds)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def event(name: str, **fields):
    return lambda line: line.get("event") == name and all(line.get(k) == v for k, v in fields.items())


def payload(line: dict) -> str | bytes | None:
    if "text" in line:
        return line["text"]
    if "binary" in line:
        return base64.b64decode(line["binary"])
    return None


def command_for(label: str, message: str | bytes) -> dict:
    if isinstance(message, str):
        return {"cmd": "send", "label": label, "text": message}
    return {"cmd": "send", "label": label, "binary": base64.b64encode(message).decode()}


def check_description(kind: str, line: dict | None) -> str:
    if not check(line is not None and line.get("type") == kind and isinstance(line.get("sdp"), str),
                 f"the {kind} is printed as {{\"type\": \"{kind}\", \"sdp\": ...}}"):
        return ""
    sdp = line["sdp"]
    candidates = [l for l in sdp.splitlines() if l.startswith("a=candidate:")]
    check(len(candidates) > 0, f"the {kind} carries its candidates")
    check(all(c.split()[4] == "127.0.0.1" for c in candidates), f"the {kind}'s candidates are 127.0.0.1 only: {candidates}")
    check(any(l.startswith("m=application ") and "UDP/DTLS/SCTP webrtc-datachannel" in l for l in sdp.splitlines()),
          f"the {kind} has the data-channel m-section")
    check("a=sctp-port:" in sdp and "a=max-message-size:" in sdp, f"the {kind} has a=sctp-port and a=max-message-size")
    return sdp


def session(driver_offers: bool) -> None:
    """The driver (--no-echo) sends and checks the echoes; the other peer echoes. driver_offers:
    the driver is the offerer and makes the in-band channel with --channel (so the offer is made
    with a channel); else the driver answers and makes it with "create" once connected (and the
    offer is made with no channel: alwaysNegotiateDataChannels)."""
    rng = random.Random(7)
    kib = bytes(rng.getrandbits(8) for _ in range(1024))
    big = bytes(rng.getrandbits(8) for _ in range(65536))
    messages: list[str | bytes] = [
        "", b"", "x", b"\x01", "é" * 512, kib, "".join(rng.choice("abcdefgh") for _ in range(65536)), big,
        "after the big ones",
    ]
    tag = "driver offers" if driver_offers else "driver answers"
    offer_args = ["--role", "offer", "--timeout", "20"] + (["--no-echo", "--channel", "inband"] if driver_offers else [])
    answer_args = ["--role", "answer", "--timeout", "20"] + ([] if driver_offers else ["--no-echo"])
    offerer = Peer(f"offerer ({tag})", *offer_args)
    answerer = Peer(f"answerer ({tag})", *answer_args)
    driver, echoer = (offerer, answerer) if driver_offers else (answerer, offerer)
    try:
        offer = offerer.wait_for(lambda l: "type" in l, what="the offer")
        offer_sdp = check_description("offer", offer)
        check("a=setup:actpass" in offer_sdp, "the offer has a=setup:actpass")
        if not offer_sdp:
            return
        answerer.send(offer)
        answer = answerer.wait_for(lambda l: "type" in l, what="the answer")
        answer_sdp = check_description("answer", answer)
        check("a=setup:active" in answer_sdp, "aiortc answers a=setup:active (DTLS client)")
        if not answer_sdp:
            return
        offerer.send(answer)

        up_o = offerer.wait_for(event("state", connectionState="connected"), what="connected")
        up_a = answerer.wait_for(event("state", connectionState="connected"), what="connected")
        check(up_o is not None and up_a is not None, f"{tag}: both peers reach connectionState connected")
        if up_o and up_a:
            check(up_o.get("iceRole") == "controlling" and up_o.get("dtlsRole") == "server",
                  f"the offerer is ICE controlling and DTLS server: {up_o}")
            check(up_a.get("iceRole") == "controlled" and up_a.get("dtlsRole") == "client",
                  f"the answerer is ICE controlled and DTLS client: {up_a}")

        # The in-band channel: open on the driver; "datachannel" then "open" on the echoer.
        if not driver_offers:
            driver.send({"cmd": "create", "label": "inband"})
        check(driver.wait_for(event("open", label="inband"), what="inband open") is not None,
              f"{tag}: the in-band channel opens on the driver")
        remote = echoer.wait_for(event("datachannel", label="inband"), what="inband datachannel")
        check(remote is not None and remote.get("negotiated") is False, f"{tag}: the echoer gets the in-band channel (DCEP)")
        opened = echoer.wait_for(event("open", label="inband"), what="inband open")
        check(opened is not None and opened.get("id") == (remote or {}).get("id"), f"{tag}: then its open event, same id")
        # RFC 8832: the DTLS server (here the offerer) takes odd stream ids, the client even ones.
        parity = 1 if driver_offers else 0
        check(opened is not None and isinstance(opened.get("id"), int) and opened["id"] % 2 == parity,
              f"{tag}: the in-band channel's id is {'odd (DTLS server)' if parity else 'even (DTLS client)'}: {opened}")

        # A negotiated channel, both sides.
        for peer in (offerer, answerer):
            peer.send({"cmd": "create", "label": "neg", "negotiated": True, "id": 7})
        for peer in (offerer, answerer):
            check(peer.wait_for(event("open", label="neg", id=7), what="neg open") is not None,
                  f"the negotiated channel 7 opens on the {peer.name}")

        # A refused command does not end the peer.
        driver.send({"cmd": "send", "label": "nosuch", "text": "x"})
        check(driver.wait_for(event("error"), what="error") is not None, "a send on an unknown label is an error line")
        driver.send({"cmd": "frobnicate"})
        check(driver.wait_for(event("error"), what="error") is not None, "an unknown command is an error line")

        # Messages and their echoes.
        for label in ("inband", "neg"):
            for message in messages:
                driver.send(command_for(label, message))
            for index, message in enumerate(messages):
                kind = "text" if isinstance(message, str) else "binary"
                size = len(message.encode()) if isinstance(message, str) else len(message)
                what = f"{tag}: {label} #{index} ({kind}, {size} bytes)"
                sent = driver.wait_for(event("sent", label=label), what=f"sent {what}")
                check(sent is not None and sent.get("size") == size, f"sent {what}")
                received = echoer.wait_for(event("message", label=label), what=f"message {what}")
                check(received is not None and payload(received) == message and received.get("echoed") is True
                      and received.get("size") == size, f"the echoer receives and echoes {what}")
                echo = driver.wait_for(event("message", label=label), what=f"echo {what}")
                check(echo is not None and kind in echo and payload(echo) == message and echo.get("echoed") is False,
                      f"the echo of {what} comes back as {kind}, unchanged, in order")

        # Closing one channel.
        driver.send({"cmd": "close", "label": "neg"})
        check(driver.wait_for(event("close", label="neg", id=7), what="neg close") is not None,
              f"{tag}: the closed channel's close event on the driver")
        check(echoer.wait_for(event("close", label="neg", id=7), what="neg close") is not None,
              f"{tag}: the closed channel's close event on the echoer")
        driver.send({"cmd": "send", "label": "neg", "text": "too late"})
        check(driver.wait_for(event("error"), what="error") is not None, "a send on a closed channel is an error line")
        echoer.send({"cmd": "status"})
        status = echoer.wait_for(event("status"), what="status")
        channels = {c["label"]: c["readyState"] for c in (status or {}).get("channels", [])}
        check(channels == {"inband": "open", "neg": "closed"}, f"status lists the channels: {status}")
        check(status is not None and status.get("remoteMaxMessageSize") == 262144 and status.get("remoteSctpPort") == 5000,
              f"status: remote max-message-size 262144, sctp-port 5000: {status}")

        # Stop.
        driver.send({"cmd": "stop"})
        check(driver.wait_for(event("closed", reason="stop"), what="closed") is not None, f"{tag}: stop: closed/stop")
        check(driver.exit_status() == 0, f"{tag}: the driver exits 0 after stop")
        closed = echoer.wait_for(event("closed"), seconds=10, what="the echoer's end")
        if closed is None:
            echoer.close_stdin()
            closed = echoer.wait_for(event("closed"), seconds=10, what="the echoer's end")
        check(closed is not None and closed.get("reason") in ("remote", "stdin-eof"), f"{tag}: the echoer ends cleanly: {closed}")
        check(echoer.exit_status() == 0, f"{tag}: the echoer exits 0")
        for peer in (offerer, answerer):
            stray = [line for line in peer.stderr.decode(errors="replace").splitlines()
                     if "Task was destroyed" in line or "Traceback" in line or "never awaited" in line]
            check(not stray, f"{peer.name}: no stray task nor traceback at exit: {stray}")
    finally:
        for peer in (offerer, answerer):
            peer.kill()
            if failed and peer.stderr:
                print(f"--- {peer.name} stderr ---\n{peer.stderr.decode(errors='replace')[-4000:]}")


def bounded() -> None:
    # End of stdin before the remote description: a clean exit.
    peer = Peer("eof", "--role", "offer", "--timeout", "20")
    try:
        check(peer.wait_for(lambda l: l.get("type") == "offer", what="offer") is not None, "eof: offer printed")
        peer.close_stdin()
        check(peer.wait_for(event("closed", reason="stdin-eof"), what="closed") is not None, "eof: closed/stdin-eof")
        check(peer.exit_status() == 0, "eof: exit 0")
    finally:
        peer.kill()
    # No remote description: "failed" and exit 1 after --timeout.
    started = time.monotonic()
    peer = Peer("timeout", "--role", "answer", "--timeout", "2")
    try:
        line = peer.wait_for(event("failed"), seconds=15, what="failed")
        check(line is not None and "remote description" in line.get("error", ""), f"timeout: failed line: {line}")
        check(peer.exit_status() == 1, "timeout: exit 1")
        check(time.monotonic() - started < 10, "timeout: within the bound")
    finally:
        peer.kill()
    # A non-loopback candidate is refused.
    peer = Peer("remote-check", "--role", "answer", "--timeout", "10")
    try:
        peer.send({"type": "offer", "sdp": "v=0\r\na=candidate:1 1 udp 2130706431 192.0.2.1 9 typ host\r\n"})
        line = peer.wait_for(event("failed"), what="failed")
        check(line is not None and "loopback" in line.get("error", ""), f"a non-loopback candidate is refused: {line}")
        check(peer.exit_status() == 1, "and the peer exits 1")
    finally:
        peer.kill()


def main() -> int:
    global verbose
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true")
    verbose = parser.parse_args().verbose
    started = time.monotonic()
    session(driver_offers=True)
    session(driver_offers=False)
    bounded()
    print(f"aiortc_peer self-test in {time.monotonic() - started:.1f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
