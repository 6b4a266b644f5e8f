#!/bin/bash
# The image's health check: GET $RHYTHMIC_HEALTH_URL (default: the serving API's /health) must answer 200.
# bash's /dev/tcp rather than curl: the runtime image has no curl and needs none. Docker's --timeout bounds it.
set -euo pipefail
url=${RHYTHMIC_HEALTH_URL:-http://127.0.0.1:8480/health}
rest=${url#http://}
hostport=${rest%%/*}
case $rest in */*) path=/${rest#*/} ;; *) path=/ ;; esac
host=${hostport%:*}; port=${hostport##*:}
[ "$host" = "$hostport" ] && port=80
exec 3<>"/dev/tcp/$host/$port"
printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$hostport" >&3
IFS= read -r status <&3 || { echo "$url: no answer" >&2; exit 1; }
case $status in
  "HTTP/1."?" 200"*) exit 0 ;;
  *) echo "$url: ${status%$'\r'}" >&2; exit 1 ;;
esac
