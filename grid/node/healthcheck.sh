#!/bin/bash
# Healthy = the node's own /status says ready. Plain bash: the image has no curl.
host=${SE_NODE_HOST:-127.0.0.1}
case $host in *:*) host="[$host]" ;; esac
exec 3<>"/dev/tcp/${SE_NODE_HOST:-127.0.0.1}/${SE_NODE_PORT:-5555}" || exit 1
printf 'GET /status HTTP/1.0\r\nHost: %s:%s\r\n\r\n' "$host" "${SE_NODE_PORT:-5555}" >&3
timeout 4 cat <&3 | grep -Eq '"ready" *: *true'
