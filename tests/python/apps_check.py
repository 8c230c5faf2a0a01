"""Make and read apps' files with the apps' own parser libraries, for the tests in
tests/integration/apps.rs: configobj for Tautulli's config.ini, ruamel.yaml (round trip)
for Kometa's config.yml, PyYAML for PlexTraktSync's servers.yml.

    apps_check.py make-tautulli PATH TOKEN
    apps_check.py make-kometa PATH TOKEN
    apps_check.py make-plextraktsync DIR TOKEN
    apps_check.py read KIND PATH     # prints the parsed file as JSON
"""

import json
import sys


def make_tautulli(path, token):
    # Tautulli's plexpy/config.py: ConfigObj(filename, encoding='utf-8'), then write().
    from configobj import ConfigObj

    config = ConfigObj(path, encoding="utf-8")
    config["General"] = {
        "http_port": 8181,
        "http_host": "0.0.0.0",
        "http_root": "",
        "api_enabled": 1,
        "api_key": "0123456789abcdef0123456789abcdef",
        "first_run_complete": 1,
    }
    config["PMS"] = {
        "pms_name": "Home, Den",
        "pms_ip": "192.168.1.5",
        "pms_port": 32400,
        "pms_ssl": 0,
        "pms_is_remote": 0,
        "pms_url": "http://192.168.1.5:32400",
        "pms_identifier": "oldmachineid",
        "pms_token": token,
        "pms_client_id": "tautulli-own-client-id",
        "pms_uuid": "7d1c2e3f4a5b6c7d8e9f0a1b2c3d4e5f",
        "pms_logs_folder": "/var/lib/plexmediaserver/Library/Logs # not a comment?",
    }
    config["Monitoring"] = {"monitoring_interval": 60, "notify_watched_percent": 85}
    config.write()


KOMETA = """\
## This file is a template remove the .template to use the file

libraries:                       # This is called out once within the config.yml file
  Movies:                        # Each library must match the Plex library name
    collection_files:
      - default: basic           # This is a file within Kometa's defaults folder
      - default: imdb
  4K Movies:
    plex:                        # A library of its own on the same server
      url: http://192.168.1.5:32400
      token: {token}
  Friends' Shows:
    plex:
      url: https://friend.example:32400
      token: theirs123token4567
settings:
  cache: true
  run_order:
    - operations
    - metadata
plex:                            # Can be individually specified per library as well; REQUIRED for the script to run
  url: http://192.168.1.5:32400
  token: {token}
  timeout: 60
  db_cache:
  clean_bundles: false
tmdb:                            # REQUIRED for the script to run
  apikey: ########
  language: en
"""


def make_kometa(path, token):
    # Kometa's modules/request.py: ruamel.yaml round trip, width 100000, indent 2.
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = 100000
    yaml.indent(mapping=2, sequence=4, offset=2)
    data = yaml.load(KOMETA.format(token=token).replace("########", "'0123456789'"))
    with open(path, "w", encoding="utf-8") as f:
        yaml.dump(data, f)


def make_plextraktsync(folder, token):
    # PlexTraktSync's config/ConfigLoader.py: yaml.dump(indent=2, sort_keys=False).
    import yaml

    servers = {
        "servers": {
            "default": {
                "token": token,
                "urls": ["http://192.168.1.5:32400", "https://192-168-1-5.abc.plex.direct:32400"],
                "id": "oldmachineid",
                "config": None,
            },
            "Friend": {
                "token": "theirs123token4567",
                "urls": ["https://friend.example:32400"],
                "id": "friendmachine",
            },
        }
    }
    with open(f"{folder}/servers.yml", "w", encoding="utf-8") as f:
        yaml.dump(servers, f, allow_unicode=True, indent=2, sort_keys=False)
    with open(f"{folder}/.env", "w", encoding="utf-8") as f:
        f.write("# This is .env file for PlexTraktSync\nPLEX_USERNAME=alice\nPLEX_SERVER=default\nTRAKT_USERNAME=alice\n")


def plain(value):
    """ruamel's and configobj's containers as plain JSON values."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def read(kind, path):
    if kind == "tautulli":
        from configobj import ConfigObj

        return plain(ConfigObj(path, encoding="utf-8").dict())
    if kind == "kometa":
        from ruamel.yaml import YAML

        with open(path, encoding="utf-8") as f:
            return plain(YAML(typ="rt").load(f))
    if kind == "plextraktsync":
        import yaml

        with open(path, encoding="utf-8") as f:
            return plain(yaml.safe_load(f))
    raise SystemExit(f"unknown kind {kind}")


def main():
    action = sys.argv[1]
    if action == "make-tautulli":
        make_tautulli(sys.argv[2], sys.argv[3])
    elif action == "make-kometa":
        make_kometa(sys.argv[2], sys.argv[3])
    elif action == "make-plextraktsync":
        make_plextraktsync(sys.argv[2], sys.argv[3])
    elif action == "read":
        print(json.dumps(read(sys.argv[2], sys.argv[3]), sort_keys=True))
    else:
        raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    main()
