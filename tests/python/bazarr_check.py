#!/usr/bin/env python3
"""Bazarr's side of plex-auth's interop tests, run with a venv that has Bazarr's libraries
(dynaconf==3.2.6, itsdangerous==2.2.0).

    bazarr_check.py load CONFIG_YAML   read the file as Bazarr does, open plex.token, print JSON
    bazarr_check.py sign KEY TOKEN     sign TOKEN as Bazarr's TokenManager does, print it
    bazarr_check.py roundtrip FILE...  for each file, the plex section as Bazarr reads it, then
                                       as it reads it again after saving it (one JSON line each)
    bazarr_check.py validate VERSION VALIDATORS_JSON CONFIG_YAML
                                       load the file as Bazarr VERSION does, run that version's
                                       validators from VALIDATORS_JSON with Bazarr's reset loop,
                                       print {"resets": [...], "plex": {...}} (JSON)

Exit status 1, with the reason on stderr, when the file does not load or the token does not open.
"""

import json
import secrets
import sys
import time


def python_type(value):
    # dynaconf wraps nested values in its own Box types; report what they stand for.
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "dict"
    return type(value).__name__


def plain(value):
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def load(path):
    import os

    from dynaconf import Dynaconf
    from itsdangerous import URLSafeSerializer

    # dynaconf silently skips a missing settings file.
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no such file: {path}")
    # The same call as bazarr/app/config.py.
    settings = Dynaconf(
        settings_file=path, core_loaders=["YAML"], apply_default_on_none=True
    )
    plex = settings.get("plex")
    general = settings.get("general")
    if plex is None:
        raise ValueError("the file has no plex section")
    if general is None:
        raise ValueError("the file has no general section")
    key = plex.get("encryption_key")
    if not key:
        raise ValueError("plex.encryption_key is empty")
    signed = plex.get("token")
    if not signed:
        raise ValueError("plex.token is empty")
    # What Bazarr's TokenManager.decrypt does.
    token = URLSafeSerializer(key).loads(signed)["token"]
    return {
        "token": token,
        "use_plex": general.get("use_plex"),
        "auth_method": plex.get("auth_method"),
        "server_url": plex.get("server_url"),
        "port": plex.get("port"),
        "ssl": plex.get("ssl"),
        "server_local": plex.get("server_local"),
        "user_id": plex.get("user_id"),
        "types": {str(k): python_type(v) for k, v in plex.items()},
    }


def sign(key, token):
    from itsdangerous import URLSafeSerializer

    # What Bazarr's TokenManager.encrypt does.
    return URLSafeSerializer(key).dumps(
        {"token": token, "salt": secrets.token_hex(16), "timestamp": int(time.time())}
    )


def bazarr_settings(path):
    from dynaconf import Dynaconf

    return Dynaconf(settings_file=path, core_loaders=["YAML"], apply_default_on_none=True)


def roundtrip(path):
    """Load as Bazarr does; save as Bazarr's write_config does (dynaconf's own YAML writer,
    on the evaluated settings); load again. Report the plex section both times."""
    import os
    import tempfile

    from dynaconf.loaders import yaml_loader

    first = bazarr_settings(path)
    data = {k.lower(): plain(v) for k, v in first.as_dict().items()}
    fd, saved = tempfile.mkstemp(suffix=".yaml")
    os.close(fd)
    try:
        yaml_loader.write(settings_path=saved, settings_data=data, merge=False)
        second = bazarr_settings(saved)
        return {
            "path": path,
            "first": plain(first.get("plex")),
            "second": plain(second.get("plex")),
        }
    finally:
        os.unlink(saved)


TYPES = {"str": str, "int": int, "bool": bool, "list": list, "float": float}


def validator_default(entry):
    """The default a validator applies. Computed defaults ("computed: ...") are random
    strings in Bazarr; any string of that type does here."""
    default = entry["default"]
    if isinstance(default, str) and default.startswith("computed:"):
        return "x" * 32
    return default


def validate(version, validators_json, path):
    """Bazarr's startup check: register dynaconf Validators (must_exist with a default, so a
    missing key is filled in, not reset) and, while validate_all fails, reset the first failing
    key to its default, as bazarr/app/config.py does. Returns the keys reset."""
    import os

    from dynaconf import Validator
    from dynaconf.validator import ValidationError

    if not os.path.isfile(path):
        raise FileNotFoundError(f"no such file: {path}")
    with open(validators_json) as f:
        table = json.load(f)["versions"][version]
    settings = bazarr_settings(path)
    validators = []
    for entry in table:
        checks = dict(entry["checks"])
        kind = checks.pop("is_type_of", None)
        if isinstance(kind, list):
            checks["is_type_of"] = tuple(TYPES[k] for k in kind)
        elif kind is not None:
            checks["is_type_of"] = TYPES[kind]
        validators.append(
            Validator(
                entry["key"], must_exist=True, default=validator_default(entry), **checks
            )
        )
    settings.validators.register(*validators)
    resets = []
    for _ in range(len(validators) + 1):
        try:
            settings.validators.validate_all()
            break
        except ValidationError as err:
            failed = err.details[0][0]
            name = failed.names[0]
            resets.append({"key": name, "from": plain(settings.get(name)), "to": failed.default})
            settings[name] = failed.default
    else:
        raise RuntimeError("validators kept failing after every key was reset")
    return {"version": version, "resets": resets, "plex": plain(settings.get("plex"))}


def main(argv):
    try:
        if len(argv) == 3 and argv[1] == "load":
            print(json.dumps(plain(load(argv[2]))))
        elif len(argv) >= 3 and argv[1] == "roundtrip":
            for path in argv[2:]:
                try:
                    print(json.dumps(roundtrip(path)))
                except Exception as err:
                    print(json.dumps({"path": path, "error": f"{type(err).__name__}: {err}"}))
        elif len(argv) == 5 and argv[1] == "validate":
            print(json.dumps(validate(argv[2], argv[3], argv[4])))
        elif len(argv) == 4 and argv[1] == "sign":
            print(sign(argv[2], argv[3]))
        else:
            print(__doc__.strip(), file=sys.stderr)
            return 2
    except Exception as err:  # every failure is a failed check for the caller
        print(f"bazarr_check: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
