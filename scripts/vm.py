#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot the test kernel under QEMU (TCG) and run one guest script.

The guest script's output (guest ttyS1) is streamed to stdout; its exit
status becomes ours. The full kernel log (guest ttyS0) is saved in the log
directory. The run fails if the kernel log shows a splat (KASAN, lockdep,
WARNING, BUG, Oops, hung task, ...), if it lacks the kernel's boot banner
(an empty or truncated console log proves nothing), if the kmemleak scan
the guest init runs after the script reports a leak or cannot run, or if
the boot exceeds the timeout.
Guest lines of the form @@QMP {json}@@ are executed on the QMP socket and
the reply is written back to the guest on ttyS1 (tests/guest/lib/qmp).
Each dfl-card's VUART (its 16550, property "chardev") is backed by a unix
socket the harness holds: @@CHR N SEND hex@@ writes bytes into card N's
VUART, @@CHR N RECV@@ answers with the hex of every byte card N's VUART
sent since the last RECV (tests/guest/lib/vuart-chr).

--suite NAME boots one of the VMs of `make check`, as its line in
tests/suites describes it: that line's options come first (options given
on the command line add cards and override the rest), then its timeout
(unless --timeout is given) and its guest script and arguments (unless a
script is given). --list-suites prints each suite's name and VM slots in
the table's order, the order scripts/check.sh starts them in.
"""
import argparse
import collections
import gzip
import json
import os
import re
import select
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get("VFIO_DFL_CACHE", "/var/cache/vfio-dfl")
SUITES = os.path.join(TOP, "tests", "suites")
GUEST = os.path.join(TOP, "tests", "guest")
# seconds a run that is not a suite's may take, unless VM_TIMEOUT says
# otherwise (a suite's timeout is in tests/suites)
DEFAULT_TIMEOUT = 300

SPLATS = [
    r"BUG: ", r"KASAN", r"WARNING:", r"Oops", r"kernel BUG at",
    r"Kernel panic", r"general protection fault", r"UBSAN:",
    r"INFO: task .* blocked for more than", r"possible circular locking",
    r"possible recursive locking", r"inconsistent lock state",
    r"INFO: trying to register non-static key", r"nobody cared",
    r"unreferenced object 0x", r"Call Trace:", r"KFENCE: ",
    r"ODEBUG: ", r"list_add corruption", r"list_del corruption",
]
SPLAT_RE = re.compile("|".join(SPLATS))
# the first line of a report (printed even past the first 20 splat lines)
HEADLINE_RE = re.compile(r"BUG: |WARNING:|Oops|kernel BUG at|Kernel panic|UBSAN:|KFENCE: |ODEBUG: ")


def cpio_newc(entries):
    """entries: list of (name, mode, data). Returns a newc archive."""
    out = bytearray()
    ino = 1
    for name, mode, data in entries + [("TRAILER!!!", 0, b"")]:
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out += hdr.encode() + nb
        out += b"\0" * ((4 - len(out) % 4) % 4)
        out += data
        out += b"\0" * ((4 - len(out) % 4) % 4)
        ino += 1
    return bytes(out)


class QMP:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.f = self.sock.makefile("rwb")
        json.loads(self.f.readline())  # greeting
        self.cmd({"execute": "qmp_capabilities"})

    def cmd(self, obj):
        self.f.write(json.dumps(obj).encode() + b"\n")
        self.f.flush()
        while True:
            r = json.loads(self.f.readline())
            if "return" in r or "error" in r:
                return r


def qemu_cmdline(a, d, initrd):
    # la57=off: 7.3.4 with KASAN and 5-level paging can report a bogus
    # "KASAN: wild-memory-access in rcu_is_watching" at boot. identify_cpu()
    # zeroes boot_cpu_data.x86_capability with interrupts already on, so a
    # timer interrupt in that window sees pgtable_l5_enabled() false and
    # checks a 5-level direct-map address against the 4-level shadow range.
    # It is a base-kernel race that TCG hits now and then, not the series'.
    # no_timer_check: check_timer() counts timer ticks over a TSC delay;
    # a TCG vCPU descheduled by a loaded host misses them, and the
    # fallback that follows crashed once (suite 09: KASAN null-ptr-deref
    # in mask_ioapic_irq() at 0.036 s, under apic_intr_mode_init()). KVM
    # guests skip the check too (arch/x86/kernel/kvm.c).
    cmd = [a.qemu, "-machine", "q35,accel=tcg", "-cpu", "max,la57=off",
           "-smp", str(a.smp),
           "-m", a.mem, "-nographic", "-no-reboot", "-nodefaults",
           "-kernel", a.kernel, "-initrd", initrd,
           "-append", "console=ttyS0,115200 panic=-1 intel_iommu=on "
                      "iommu.strict=1 hung_task_panic=0 no_timer_check " + a.append,
           "-device", "intel-iommu",
           "-serial", "file:" + os.path.join(d, "kernel.log"),
           "-chardev", "socket,id=ctl,path=%s,server=on,wait=on" % os.path.join(d, "ctl.sock"),
           "-device", "isa-serial,chardev=ctl,index=1",
           "-qmp", "unix:%s,server=on,wait=off" % os.path.join(d, "qmp.sock")]
    for L in a.firmware:
        cmd += ["-L", L]
    for i in range(a.root_ports):
        cmd += ["-device", "pcie-root-port,id=rp%d,chassis=%d,slot=%d,bus=pcie.0"
                % (i + 1, i + 1, i + 1)]
    # Cards: "-card rpN[,PROP=V...]" puts a card (id cardN, with those
    # device properties) on that root port; a
    # dfl-card's VUART gets the socket chardev vuartN (vuart_path()).
    for i, card in enumerate(a.card):
        port, _, props = card.partition(",")
        dev = "%s,id=card%d,bus=%s" % (a.card_device, i, port)
        if props:
            dev += "," + props
        if is_dfl_card(a):
            cmd += ["-chardev", "socket,id=vuart%d,path=%s,server=on,wait=off"
                    % (i, vuart_path(d, i))]
            dev += ",chardev=vuart%d" % i
        cmd += ["-device", dev]
    # The guest is told the cards' layout, not left to guess it
    # (tests/guest/lib/dfl.sh reads it): one layout per boot.
    layouts = [dict(p.split("=", 1) for p in c.split(",")[1:] if "=" in p).get("layout")
               for c in a.card]
    if is_dfl_card(a) and any(layouts):
        if len(set(layouts)) > 1:
            raise SystemExit("vm.py: the cards of one boot must share a layout "
                             "(the guest is told one): %s" % " ".join(a.card))
        cmd[cmd.index("-append") + 1] += " dfl_card_layout=" + layouts[0]
    return cmd + a.qemu_arg


def is_dfl_card(a):
    return a.card_device.split(",")[0] == "dfl-card"


def vuart_path(d, i):
    return os.path.join(d, "vuart%d.sock" % i)


class VuartChr:
    """The host side of the cards' VUART chardevs (QEMU is the server)."""

    def __init__(self, d, n):
        self.paths = [vuart_path(d, i) for i in range(n)]
        self.socks = [None] * n
        self.rx = [b""] * n

    def connect(self):
        for i, path in enumerate(self.paths):
            if self.socks[i] is None and os.path.exists(path):
                s = socket.socket(socket.AF_UNIX)
                try:
                    s.connect(path)
                except OSError:
                    s.close()
                    continue
                self.socks[i] = s

    def readable(self):
        return [s for s in self.socks if s is not None]

    def drain(self, sock):
        i = self.socks.index(sock)
        try:
            data = sock.recv(65536)
        except OSError:     # QEMU went away (reset by peer)
            data = b""
        if data:
            self.rx[i] += data
        else:
            sock.close()
            self.socks[i] = None

    def command(self, text):
        """'N SEND hex' or 'N RECV': the reply line for the guest."""
        words = text.split()
        try:
            i = int(words[0])
            sock = self.socks[i]
        except (ValueError, IndexError):
            return "ERR no card %s" % (words[0] if words else "")
        if sock is None:
            return "ERR vuart%d not connected" % i
        if words[1:2] == ["SEND"] and len(words) == 3:
            try:
                sock.sendall(bytes.fromhex(words[2]))
            except (OSError, ValueError) as e:
                return "ERR vuart%d: %s" % (i, e)
            return "OK"
        if words[1:] == ["RECV"]:
            # what QEMU wrote before the guest asked is in the socket
            while select.select([sock], [], [], 0.2)[0]:
                before = len(self.rx[i])
                self.drain(sock)
                if self.socks[i] is None or len(self.rx[i]) == before:
                    break
            data, self.rx[i] = self.rx[i], b""
            return "OK " + data.hex()
        return "ERR bad command"


def default_qemu():
    built = os.path.join(CACHE, "qemu-build", "qemu-system-x86_64")
    return built if os.access(built, os.X_OK) else "qemu-system-x86_64"


def arg_parser():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("script", nargs="?",
                   help="guest script (run by busybox sh as /guest/run); "
                        "optional with --suite")
    p.add_argument("args", nargs="*", help="arguments for the guest script")
    p.add_argument("--suite", metavar="NAME",
                   help="boot the VM of tests/suites' line NAME: its options, "
                        "timeout and guest script (options given here add "
                        "cards and override the rest)")
    p.add_argument("--list-suites", action="store_true",
                   help="print each suite's name and VM slots, in start order")
    p.add_argument("--qemu", default=os.environ.get("QEMU", default_qemu()),
                   help="default: the QEMU scripts/build-qemu.sh built (it "
                        "has the dfl-card model)")
    p.add_argument("--kernel", default=os.path.join(CACHE, "kernel", "bzImage"),
                   help="a relative path is the cache's (default: the test kernel)")
    p.add_argument("--initrd", default=os.path.join(CACHE, "initramfs", "base.cpio.gz"),
                   help="a relative path is the cache's (default: the test "
                        "kernel's initramfs)")
    p.add_argument("--timeout", type=int, default=None,
                   help="seconds before the VM is stopped and the run fails "
                        "(default: $VM_TIMEOUT or %d; a --suite takes its "
                        "timeout from tests/suites)" % DEFAULT_TIMEOUT)
    p.add_argument("--smp", type=int, default=2)
    p.add_argument("--mem", default="2G")
    p.add_argument("--append", default="", help="extra kernel command line")
    p.add_argument("--extra-initrd", action="append", default=[],
                   help="cpio archive appended to the initramfs (a relative "
                   "name is looked up in the cache's initramfs directory)")
    p.add_argument("--root-ports", type=int, default=2)
    p.add_argument("--card", action="append", default=None,
                   help="root port for a DFL card, with device properties after commas (rp1,vuart-csr=0x202); repeat for more cards; 'none' for no card")
    p.add_argument("--card-device", default="dfl-card")
    p.add_argument("--firmware", action="append", default=None,
                   help="QEMU -L directory (repeatable); default: Debian's "
                        "seabios and qemu-system-data directories")
    p.add_argument("--qemu-arg", action="append", default=[])
    p.add_argument("--log-dir", default=os.environ.get("VM_LOG_DIR"))
    p.add_argument("--allow-splat", action="store_true",
                   help="do not fail on kernel splats (debugging only)")
    p.add_argument("--no-kmemleak", action="store_true",
                   help="the kernel has no kmemleak (e.g. a benchmark kernel): "
                        "do not require the guest's end-of-suite scan")
    return p


Suite = collections.namedtuple("Suite", "name slots timeout secs options script args")


def parse_suite(line):
    """One line of tests/suites: NAME SLOTS TIMEOUT SECS [OPTIONS]."""
    fields = line.split(None, 4)
    if len(fields) < 4:
        raise ValueError("want NAME SLOTS TIMEOUT SECS [OPTIONS]")
    name, nums = fields[0], fields[1:4]
    for what, v in zip(("slots", "timeout", "secs"), nums):
        if not re.fullmatch(r"[0-9]+", v):
            raise ValueError("%s '%s' is not a non-negative integer" % (what, v))
    options = shlex.split(fields[4]) if len(fields) > 4 else []
    script, args = os.path.join(GUEST, name + ".sh"), []
    if "--" in options:
        i = options.index("--")
        options, tail = options[:i], options[i + 1:]
        if not tail:
            raise ValueError("no guest script after '--'")
        script, args = os.path.join(GUEST, tail[0]), tail[1:]
    return Suite(name, *map(int, nums), options, script, args)


def read_suites(path=SUITES):
    """The suites in table order; a ValueError names the malformed line."""
    suites = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                s = parse_suite(line)
                if any(s.name == t.name for t in suites):
                    raise ValueError("suite '%s' listed twice" % s.name)
            except ValueError as e:
                raise ValueError("%s:%d: %s" % (path, n, e)) from None
            suites.append(s)
    return suites


def apply_suite(p, argv, name, suites):
    """Parse again with the suite's options before the command line's."""
    s = next((s for s in suites if s.name == name), None)
    if s is None:
        p.error("unknown suite '%s'; the suites are: %s"
                % (name, " ".join(s.name for s in suites)))
    a = p.parse_args(s.options + argv)
    if a.script is None:
        a.script, a.args = s.script, s.args
    if a.timeout is None:
        a.timeout = s.timeout
    return a


def parse_args(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    p = arg_parser()
    a = p.parse_args(argv)
    if a.list_suites or a.suite:
        try:
            suites = read_suites()
        except (OSError, ValueError) as e:
            p.error(str(e))
    if a.list_suites:
        for s in suites:
            print(s.name, s.slots)
        sys.exit(0)
    if a.suite:
        a = apply_suite(p, argv, a.suite, suites)
    elif a.script is None:
        p.error("give a guest script or --suite NAME")
    if a.timeout is None:
        a.timeout = int(os.environ.get("VM_TIMEOUT", DEFAULT_TIMEOUT))
    # a relative kernel or initramfs (a series kernel's, in tests/suites)
    # is the cache's
    a.kernel, a.initrd = (os.path.join(CACHE, x) for x in (a.kernel, a.initrd))
    if a.card is None:
        a.card = os.environ.get("VM_CARDS", "rp1").split(",")
    a.card = [c for c in a.card if c and c != "none"]
    if a.firmware is None:
        # Our QEMU build has no firmware blobs: use Debian's packages.
        a.firmware = [d for d in ("/usr/share/seabios", "/usr/share/qemu")
                      if os.path.isdir(d)]
    return a


def read_text(path):
    with open(path, errors="replace") as f:
        return f.read()


def prepare_log_dir(a):
    """The log directory, without the files of an earlier run in it."""
    d = a.log_dir or tempfile.mkdtemp(prefix="vfio-dfl-vm.")
    os.makedirs(d, exist_ok=True)
    for f in ["kernel.log", "ctl.sock", "qmp.sock", "tap-times"] + \
            ["vuart%d.sock" % i for i in range(len(a.card))]:
        try:
            os.unlink(os.path.join(d, f))
        except FileNotFoundError:
            pass
    return d


def build_initrd(a, d):
    """The base initramfs, the --extra-initrd archives and the guest script.

    The suites' scripts of tests/guest are in /guest too, so that one boot
    can run another suite's script on its card (suite 16 runs 12 and 14)."""
    with open(a.script, "rb") as f:
        script = f.read()
    files = [("guest", 0o40755, b""), ("guest/run", 0o100755, script),
             ("guest/args", 0o100644, " ".join(a.args).encode())]
    for name in sorted(os.listdir(GUEST)):
        if name.endswith(".sh"):
            with open(os.path.join(GUEST, name), "rb") as f:
                files.append(("guest/" + name, 0o100755, f.read()))
    extra = cpio_newc(files)
    initrd = os.path.join(d, "initrd.cpio.gz")
    with open(a.initrd, "rb") as src, open(initrd, "wb") as dst:
        shutil.copyfileobj(src, dst)
        for x in a.extra_initrd:
            if not os.path.isabs(x):
                x = os.path.join(CACHE, "initramfs", x)
            # an uncompressed archive must start 4-byte aligned; the
            # kernel skips the zero padding between archives
            dst.write(b"\0" * (-dst.tell() % 4))
            with open(x, "rb") as xf:
                shutil.copyfileobj(xf, dst)
        dst.write(gzip.compress(extra, 1))
    return initrd


def start_qemu(cmd, d, timeout):
    """Start QEMU and connect to the guest's ttyS1 (QEMU waits for that).

    Returns (qemu, ctl socket, deadline), or None if QEMU did not start."""
    with open(os.path.join(d, "qemu-cmdline"), "w") as f:
        f.write(" ".join(cmd) + "\n")
    with open(os.path.join(d, "qemu.out"), "wb") as out:
        qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
    deadline = time.time() + timeout
    while qemu.poll() is None and time.time() <= deadline:
        ctl = socket.socket(socket.AF_UNIX)
        try:
            ctl.connect(os.path.join(d, "ctl.sock"))
            return qemu, ctl, deadline
        except OSError:
            ctl.close()
            time.sleep(0.1)
    sys.stdout.write(read_text(os.path.join(d, "qemu.out")))
    print("vm: QEMU did not start (see %s)" % d)
    return None


class Console:
    """The guest's ttyS1: the script's output and its @@...@@ requests."""

    def __init__(self, ctl, d, vchr):
        self.ctl, self.d, self.vchr = ctl, d, vchr
        self.qmp = None         # connected at the first @@QMP
        self.rc = None          # the script's exit status (@@EXIT)
        self.kmemleak = None    # the guest's kmemleak scan (@@KMEMLEAK)
        self.buf = b""
        # "SECONDS LINE" for each TAP result: when it came, from QEMU's
        # start, so that a suite's VM-seconds can be told test by test
        self.t0 = time.time()
        self.times = open(os.path.join(d, "tap-times"), "w")

    def watch(self, qemu, deadline):
        """Until the guest closes ttyS1 or QEMU exits; True on a timeout."""
        while time.time() <= deadline:
            self.vchr.connect()
            r, _, _ = select.select([self.ctl] + self.vchr.readable(), [], [], 0.5)
            if not r:
                if qemu.poll() is not None:
                    return False
                continue
            for sock in r:
                if sock is not self.ctl:
                    self.vchr.drain(sock)
            if self.ctl in r and not self.read():
                return False
        return True

    def read(self):
        """Handle each whole line the guest sent; False at end of file."""
        data = self.ctl.recv(65536)
        if not data:
            return False
        self.buf += data
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            self.handle_line(line.decode(errors="replace").rstrip("\r"))
        return True

    def handle_line(self, text):
        if m := re.match(r"^@@QMP (.*)@@$", text):
            self.reply(json.dumps(self.qmp_cmd(m.group(1))))
        elif m := re.match(r"^@@CHR (.*)@@$", text):
            self.reply(self.vchr.command(m.group(1)))
        elif m := re.match(r"^@@KMEMLEAK (\S+)@@$", text):
            self.kmemleak = m.group(1)
        elif m := re.match(r"^@@EXIT (\d+)@@$", text):
            self.rc = int(m.group(1))
        elif text.startswith("@@BOOTED"):
            print("vm: guest booted " + text[9:-2], flush=True)
        else:
            if re.match(r"^(not )?ok \d+", text):
                self.times.write("%.1f %s\n" % (time.time() - self.t0, text))
                self.times.flush()
            print(text, flush=True)

    def qmp_cmd(self, text):
        if self.qmp is None:
            self.qmp = QMP(os.path.join(self.d, "qmp.sock"))
        try:
            return self.qmp.cmd(json.loads(text))
        except (ValueError, OSError) as e:
            return {"error": {"desc": str(e)}}

    def reply(self, text):
        self.ctl.sendall(text.encode() + b"\n")


def stop_qemu(qemu, deadline):
    """Let QEMU exit (until the deadline, 1 to 30 s), then kill it.

    True if it had not exited by then (a timeout)."""
    timed_out = False
    try:
        qemu.wait(timeout=max(1, min(30, deadline - time.time())))
    except subprocess.TimeoutExpired:
        timed_out = True
    if qemu.poll() is None:
        qemu.kill()
        qemu.wait()
    return timed_out


def judge(a, d, klog, timed_out, rc, kmemleak):
    """The reasons to fail the run: (reason, lines to print after it).

    Every reason is found on its own, with the lines that show it (the
    controls of scripts/check.sh rely on it)."""
    reasons = []
    if timed_out:
        reasons.append(("timeout after %ds" % a.timeout, []))
    elif rc is None:
        reasons.append(("guest ended without an exit status (crash or panic?)",
                        klog.splitlines()[-40:] +
                        [read_text(os.path.join(d, "qemu.out"))[-2000:]]))
    if "Linux version " not in klog:
        reasons.append(("the kernel log has no boot banner ('Linux version'): "
                        "%d line(s), nothing in it can be trusted" % len(klog.splitlines()), []))
    if rc is not None and not a.no_kmemleak and kmemleak != "0":
        if kmemleak is None or not kmemleak.isdigit():
            reasons.append(("no kmemleak result from the guest (%s)" % (kmemleak or "missing"), []))
        else:
            reasons.append(("kmemleak reports %s leak(s) after the script" % kmemleak, []))
    splats = [l for l in klog.splitlines() if SPLAT_RE.search(l)]
    if splats and not a.allow_splat:
        # the first 20 splat lines, and every report's headline after them
        shown = splats[:20] + [l for l in splats[20:] if HEADLINE_RE.search(l)]
        reasons.append(("kernel log shows %d splat line(s):" % len(splats),
                        ["vm:   " + l for l in shown]))
    return reasons


def report(reasons, timed_out, rc):
    """Print the reasons; any reason fails the run, in this one place."""
    for reason, lines in reasons:
        print("vm: FAIL: " + reason)
        for l in lines:
            print(l)
    status = 124 if timed_out else (rc if rc is not None else 1)
    if reasons:
        status = status or 1
    print("vm: guest exit status %s" % (rc if rc is not None else "none"))
    return status


def main():
    a = parse_args()
    d = prepare_log_dir(a)
    cmd = qemu_cmdline(a, d, build_initrd(a, d))
    started = start_qemu(cmd, d, a.timeout)
    if started is None:
        return 1
    qemu, ctl, deadline = started
    console = Console(ctl, d, VuartChr(d, len(a.card) if is_dfl_card(a) else 0))
    timed_out = console.watch(qemu, deadline)
    timed_out = stop_qemu(qemu, deadline) or timed_out
    klog = read_text(os.path.join(d, "kernel.log"))
    print("vm: kernel log saved in %s" % os.path.join(d, "kernel.log"))
    reasons = judge(a, d, klog, timed_out, console.rc, console.kmemleak)
    return report(reasons, timed_out, console.rc)


if __name__ == "__main__":
    sys.exit(main())
