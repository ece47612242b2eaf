#!/bin/sh
# As the upstream redis image's entrypoint: flags first means redis-server; without a config file,
# protected mode is off (the container's network is the protection).
set -e
case "${1:-}" in -*) set -- redis-server "$@" ;; esac
if [ "${1:-}" = redis-server ]; then
  case "${2:-}" in
    *.conf) ;;
    *) shift; set -- redis-server --protected-mode no "$@" ;;
  esac
fi
exec "$@"
