"""kubectl port-forward: check the target and the ports as kubectl v1.32 does, then keep forwarding.

Owns: ``port-forward (POD | TYPE/NAME) [LOCAL:]REMOTE…`` with ``--address`` and
``--pod-running-timeout``: the pod picked for a Deployment, Service… (``exec.attachable_pod``), a
Service port translated to the pod's target port (``translateServicePortToTargetPort``), a named
container port resolved (``convertPodNamedPortToNumber``), the pod required to be Running, then
client-go's ``parsePorts`` (its errors), and the ``Forwarding from 127.0.0.1:8080 -> 80`` lines for
each address it listens on (``localhost`` is 127.0.0.1 and [::1]; ``:80`` takes a free local port
from the sandbox's seeded RNG). The real command then runs until Ctrl-C: here a stream that the
page's terminal follows until the user stops it (``streaming.Stream``); connections through it
are the REST API's port-forward (``server.web.k8s_stream``).

Hands off: choosing the pod to ``exec.attachable_pod``.
"""

from __future__ import annotations

from ...sim.api import ApiError
from ...sim.store import Obj
from ..parse import Flag, Invocation, KubectlError, Result, command
from ..streaming import Stream, StreamResult
from .exec import attachable_pod, authorize_stream

USAGE_ERROR = ("error: TYPE/NAME and list of ports are required for port-forward\n"
               "See 'kubectl port-forward -h' for help and examples")
#: the workstation's addresses a listener can bind (loopback, any, its own address on the lab network)
LISTENABLE = {"127.0.0.1", "::1", "0.0.0.0", "::", "192.168.56.1"}


def split_port(port: str) -> tuple[str, str]:
    parts = port.split(":")
    return (parts[0], parts[1]) if len(parts) == 2 else (parts[0], parts[0])


def _container_port(pod: Obj, name: str) -> int:
    for c in (pod.get("spec") or {}).get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("name") == name:
                return int(p.get("containerPort", 0))
    raise KubectlError(f"error: Pod '{pod['metadata']['name']}' does not have a named port '{name}'")


def pod_ports(ports: list[str], pod: Obj) -> list[str]:
    """``convertPodNamedPortToNumber``."""
    out = []
    for port in ports:
        local, remote = split_port(port)
        number = remote if remote.isdigit() else str(_container_port(pod, remote))
        out.append(f"{local}:{number}" if local != remote else number)
    return out


def service_ports(ports: list[str], svc: Obj, pod: Obj) -> list[str]:
    """``translateServicePortToTargetPort``: a Service port becomes the pod's port behind it."""
    name = svc["metadata"]["name"]
    svc_ports = (svc.get("spec") or {}).get("ports") or []
    out = []
    for port in ports:
        local, remote = split_port(port)
        if remote.isdigit():
            number = int(remote)
        else:
            found = next((p for p in svc_ports if p.get("name") == remote), None)
            if found is None:
                raise KubectlError(f"error: Service '{name}' does not have a named port '{remote}'")
            number = int(found.get("port", 0))
            if local == remote:
                local = str(number)
        sp = next((p for p in svc_ports if p.get("port") == number), None)
        if sp is None:
            raise KubectlError(f"error: Service {name} does not have a service port {number}")
        target = sp.get("targetPort", number)
        container = _container_port(pod, target) if isinstance(target, str) else int(target or number)
        out.append(f"{local}:{container}" if local != str(container) else str(container))
    return out


def _parse_uint16(text: str, which: str) -> int:
    if not text.isdigit() and not (text[:1] == "+" and text[1:].isdigit()):
        raise KubectlError(f"error: error parsing {which} port '{text}': strconv.ParseUint: parsing "
                           f'"{text}": invalid syntax')
    value = int(text)
    if value > 65535:
        raise KubectlError(f"error: error parsing {which} port '{text}': strconv.ParseUint: parsing "
                           f'"{text}": value out of range')
    return value


def parse_ports(ports: list[str]) -> list[tuple[int, int]]:
    """client-go's ``portforward.parsePorts``: (local, remote), local 0 for ``:REMOTE``."""
    out = []
    for port in ports:
        parts = port.split(":")
        if len(parts) > 2:
            raise KubectlError(f"error: invalid port format '{port}'")
        local = parts[0] if len(parts) == 1 else (parts[0] or "0")
        remote = parts[-1]
        lp, rp = _parse_uint16(local, "local"), _parse_uint16(remote, "remote")
        if rp == 0:
            raise KubectlError("error: remote port must be > 0")
        out.append((lp, rp))
    return out


def _addresses(text: str) -> list[str]:
    out = []
    for word in (w.strip() for w in text.split(",")):
        out += ["127.0.0.1", "::1"] if word == "localhost" else [word]
    return out


class Forwarding(Stream):
    """The forward runs until Ctrl-C."""

    def poll(self) -> str:
        return ""


@command("port-forward", flags=[Flag("address", kind="list"), Flag("pod-running-timeout", kind="str")])
def port_forward(inv: Invocation) -> Result:
    if len(inv.args) < 2:
        raise KubectlError(USAGE_ERROR)
    target, ports = inv.args[0], inv.args[1:]
    words = [target] if "/" in target else ["pod", target]
    pod, _note = attachable_pod(inv, words)
    kind = target.partition("/")[0].lower() if "/" in target else "pod"
    if kind in ("svc", "service", "services"):
        svc = inv.cluster.store.get("Service", inv.namespace, target.partition("/")[2])
        assert svc is not None  # attachable_pod found it
        ports = service_ports(ports, svc, pod)
    else:
        ports = pod_ports(ports, pod)
    phase = (pod.get("status") or {}).get("phase", "")
    if phase != "Running":
        raise KubectlError(f"error: unable to forward port because pod is not running. Current status={phase}")
    try:
        authorize_stream(inv, pod, "portforward")
    except ApiError as e:
        raise KubectlError(f"error: error upgrading connection: {e.message}") from None
    forwards = parse_ports(ports)
    rng = inv.cluster.clock.rng
    forwards = [(lp or rng.randint(32768, 60999), rp) for lp, rp in forwards]
    addresses = _addresses(",".join(inv.flags.get("address") or ["localhost"]))
    out, failed = [], []
    for lp, rp in forwards:
        bound = [a for a in addresses if a in LISTENABLE]
        for a in bound:
            out.append(f"Forwarding from {'[' + a + ']' if ':' in a else a}:{lp} -> {rp}\n")
        if not bound:
            errors = ", ".join(f"unable to create listener: Error listen tcp{'6' if ':' in a else '4'} "
                               f"{'[' + a + ']' if ':' in a else a}:{lp}: bind: cannot assign requested address"
                               for a in addresses)
            out.append(f"Unable to listen on port {lp}: Listeners failed to create with the following errors: "
                       f"[{errors}]\n")
            failed.append(f"{{{lp} {rp}}}")
    if len(failed) == len(forwards):
        return Result("".join(out) + f"error: unable to listen on any of the requested ports: [{' '.join(failed)}]\n",
                      1)
    text = "".join(out)
    return StreamResult(text, 0, Forwarding()) if inv.follow else Result(text)
