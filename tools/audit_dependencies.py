"""`make test`'s dependency audit: pip-audit over the locked versions in requirements.lock.

requirements.lock pins every package that `pip install -e '.[test]'` brings in (`make lock`
writes it with pip-compile); the Makefile installs .venv with it as a constraints file, so the
versions audited are the versions installed. This checks that first: a locked package that is
installed at another version fails the run (install again with `make lint`), and installed
packages the lock does not name are listed, as they are not audited.

pip-audit then looks every pin up in a vulnerability database (PyPI's JSON API). Known
vulnerabilities fail the run and name the versions that fix them. When the database cannot be
reached (no network, or only a package mirror), this prints a note and succeeds: an audit that
could not look anything up is not a failed test, but it must not pass as a clean one either.

Run: .venv/bin/python tools/audit_dependencies.py
"""

import json
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

LOCK = Path(__file__).resolve().parent.parent / "requirements.lock"
TIMEOUT_SECONDS = 300
# Installed with every virtual environment, or the project itself: never in the lock.
NOT_LOCKED = {"pip", "setuptools", "wheel", "recert"}


def note(text: str) -> int:
    print(f"Note: {text} The dependencies were not audited; carrying on.")
    return 0


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            pins[canonical(requirement.name)] = str(requirement.specifier).removeprefix("==")
    return pins


def installed_as_locked() -> bool:
    """Whether .venv holds the locked versions; says what differs."""
    pins = locked_versions()
    installed = {canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}
    other = {name: (version, pins[name]) for name, version in installed.items()
             if name in pins and version != pins[name]}
    for name, (version, pinned) in sorted(other.items()):
        print(f"{name} {version} is installed, but requirements.lock has {pinned}.")
    if other:
        print("Install the locked versions (make lint), or lock these (make lock).")
    unlocked = sorted(set(installed) - set(pins) - NOT_LOCKED)
    if unlocked:
        print(f"Note: not in requirements.lock, so not audited: {', '.join(unlocked)} "
              f"(make lock adds what pyproject.toml needs).")
    return not other


def main() -> int:
    if not installed_as_locked():
        return 1
    pip_audit = Path(sys.executable).with_name("pip-audit")
    # Every pin is exact, so pip-audit needs neither pip nor a resolver to read the file.
    command = [str(pip_audit), "--requirement", str(LOCK), "--no-deps", "--disable-pip",
               "--vulnerability-service", "pypi", "--format", "json",
               "--progress-spinner", "off"]
    try:
        result = subprocess.run(command, capture_output=True, text=True,  # noqa: S603
                                timeout=TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return note(f"pip-audit did not run ({error}).")
    try:
        dependencies = json.loads(result.stdout)["dependencies"]
    except (json.JSONDecodeError, KeyError, TypeError):
        last_line = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return note(f"pip-audit could not reach its vulnerability database ({last_line}).")

    audited = [d for d in dependencies if "skip_reason" not in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    if vulnerable:
        print("pip-audit found known vulnerabilities:")
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixed_in = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
                print(f"  {dependency['name']} {dependency['version']}: {vuln['id']} "
                      f"(fixed in {fixed_in})")
        print("Lock a fixed version: make lock LOCK_ARGS='--upgrade-package NAME' (raise its "
              "minimum in pyproject.toml first if Recert depends on it directly).")
        return 1
    if not audited:
        return note(f"pip-audit could not reach its vulnerability database: none of the "
                    f"{len(dependencies)} locked packages could be looked up.")
    skipped = len(dependencies) - len(audited)
    unknown = f" ({skipped} could not be looked up)" if skipped else ""
    packages = "package" if len(audited) == 1 else "packages"
    print(f"pip-audit: {len(audited)} locked {packages} checked, no known "
          f"vulnerabilities{unknown}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
