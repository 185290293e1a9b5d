"""`make test`'s dependency audit: pip-audit over the packages installed in .venv.

pip-audit looks every installed package up in a vulnerability database (PyPI's JSON API).
Known vulnerabilities fail the run and name the versions that fix them. When the database
cannot be reached (no network, or only a package mirror), this prints a note and succeeds:
an audit that could not look anything up is not a failed test, but it must not pass as a
clean one either.

Run: .venv/bin/python tools/audit_dependencies.py
"""

import json
import subprocess
import sys
from pathlib import Path

TIMEOUT_SECONDS = 300


def note(text: str) -> int:
    print(f"Note: {text} The dependencies were not audited; carrying on.")
    return 0


def main() -> int:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    command = [str(pip_audit), "--vulnerability-service", "pypi", "--skip-editable",
               "--format", "json", "--progress-spinner", "off"]
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
        print("Raise their minimum versions in pyproject.toml and install again.")
        return 1
    if not audited:
        return note(f"pip-audit could not reach its vulnerability database: none of the "
                    f"{len(dependencies)} installed packages could be looked up.")
    skipped = len(dependencies) - len(audited)
    unknown = f" ({skipped} could not be looked up)" if skipped else ""
    packages = "package" if len(audited) == 1 else "packages"
    print(f"pip-audit: {len(audited)} {packages} checked, no known vulnerabilities{unknown}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
