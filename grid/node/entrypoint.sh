#!/bin/sh
# Starts a Selenium Grid 4 Chrome node from docker-selenium's environment variables.
# Every value is checked before it goes into the TOML config, so a bad value stops the
# container with a message instead of producing a node that silently never registers.
set -eu

fail() { echo "grid-run-node: $*" >&2; exit 2; }
is_port() { case $1 in ''|*[!0-9]*) return 1 ;; esac; [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }
is_count() { case $1 in ''|*[!0-9]*) return 1 ;; esac; [ "$1" -ge 1 ] && [ "$1" -le 1000 ]; }
is_host() { printf '%s' "$1" | grep -Eq '^([A-Za-z0-9._-]+|\[?[0-9A-Fa-f:.]+\]?)$'; }
# TOML basic string; callers have refused control characters already.
toml_string() { printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"; }

bus_host=${SE_EVENT_BUS_HOST:-}
[ -n "$bus_host" ] || fail "SE_EVENT_BUS_HOST is not set (the hub's host name or address)"
is_host "$bus_host" || fail "SE_EVENT_BUS_HOST is not a host name or address: $bus_host"
pub=${SE_EVENT_BUS_PUBLISH_PORT:-4442}; is_port "$pub" || fail "SE_EVENT_BUS_PUBLISH_PORT is not a port: $pub"
sub=${SE_EVENT_BUS_SUBSCRIBE_PORT:-4443}; is_port "$sub" || fail "SE_EVENT_BUS_SUBSCRIBE_PORT is not a port: $sub"
node_port=${SE_NODE_PORT:-5555}; is_port "$node_port" || fail "SE_NODE_PORT is not a port: $node_port"
max=${SE_NODE_MAX_SESSIONS:-1}; is_count "$max" || fail "SE_NODE_MAX_SESSIONS is not a count: $max"
session_timeout=${SE_NODE_SESSION_TIMEOUT:-300}
case $session_timeout in ''|*[!0-9]*) fail "SE_NODE_SESSION_TIMEOUT is not a number of seconds: $session_timeout" ;; esac
node_host=${SE_NODE_HOST:-}
[ -z "$node_host" ] || is_host "$node_host" || fail "SE_NODE_HOST is not a host name or address: $node_host"
secret=${SE_REGISTRATION_SECRET:-}
# Checked here, not inside $(...), where a failure would only end the subshell.
if printf '%s' "$secret" | LC_ALL=C grep -q '[[:cntrl:]]'; then fail "SE_REGISTRATION_SECRET contains control characters"; fi
case $bus_host in *:*) bus_uri_host="[${bus_host#[}"; bus_uri_host="${bus_uri_host%]}]" ;; *) bus_uri_host=$bus_host ;; esac

config=$(mktemp /tmp/grid-run-node.XXXXXX.toml)
chmod 600 "$config"
{
  echo '[server]'
  echo "port = $node_port"
  [ -z "$node_host" ] || echo "host = \"$node_host\""
  [ -z "$secret" ] || printf 'registration-secret = %s\n' "$(toml_string "$secret")"
  echo
  echo '[events]'
  echo "publish = \"tcp://$bus_uri_host:$pub\""
  echo "subscribe = \"tcp://$bus_uri_host:$sub\""
  echo
  # The node section and the Chrome stereotype come from the same template as the local
  # grid's process nodes (grid/node.toml), so both kinds of node start Chrome alike.
  sed -e "s/@SLOTS@/$max/g" -e "s/^session-timeout = .*/session-timeout = $session_timeout/" /opt/grid-run/node.toml
} >"$config"

echo "grid-run-node: event bus tcp://$bus_uri_host:$pub/$sub, node port $node_port, $max session(s)${secret:+, with a registration secret}" >&2
# shellcheck disable=SC2086
exec java ${SE_JAVA_OPTS:-} -jar /opt/selenium/selenium-server.jar node --config "$config"
