// The HAProxy configuration in front of several relays: one template, used by `npm run cluster`,
// by the cluster tests (server/src/test/clusterFixture.ts) and by the bench, and printed in the
// README's "Scaling out" section.

/**
 * @param {{
 *   bind: string,
 *   relays: Array<{ name: string, address: string }>,
 *   checkInterval?: string,
 *   statsSocket?: string,
 *   relayHeader?: boolean,
 *   maxConnectionsPerSource?: number,
 * }} options
 * @returns {string} haproxy.cfg text
 */
export function haproxyConfig({
  bind,
  relays,
  checkInterval = '1s',
  statsSocket,
  relayHeader = false,
  maxConnectionsPerSource = 256,
}) {
  const servers = relays
    .map(({ name, address }) => `  server ${name} ${address} check inter ${checkInterval} fall 2 rise 2`)
    .join('\n')
  const health = `  option httpchk
  # HTTP/1.1 with a Host header: the relay answers a bare HTTP/1.0 probe with 400.
  http-check send meth GET uri /readyz?scope=routing ver HTTP/1.1 hdr Host localhost
  http-check expect status 200`
  // Which relay answered, for tests and for finding a room's relay while debugging.
  const served = relayHeader ? '\n  http-response set-header X-Loopboard-Relay %s' : ''
  return `global
  maxconn 4096${statsSocket ? `\n  stats socket ${statsSocket} mode 600 level admin` : ''}

defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  # An upgraded WebSocket (/yjs, socket.io) lives this long without traffic; both sides ping
  # well within it (y-websocket every 30 s, socket.io every 25 s).
  timeout tunnel 1h
  timeout client-fin 5s
  # A connection refused by a relay that just died is retried on another one.
  option redispatch
  retries 3

frontend loopboard
  bind ${bind}
  # At most ${maxConnectionsPerSource} open connections per client (an IPv6 client by its /64). Behind this proxy
  # the relays see one address for everyone and apply only their total (MAX_CONNECTIONS), so one
  # client's share is counted here, before a byte of its connection is read.
  stick-table type ipv6 size 100k expire 60s store conn_cur
  tcp-request connection track-sc0 src,ipmask(32,64)
  tcp-request connection reject if { sc0_conn_cur gt ${maxConnectionsPerSource} }
  # The client's address for the relays' per-address limits (relays run with TRUST_PROXY=true):
  # whatever X-Forwarded-For a client sent is dropped, and HAProxy sets the address it saw.
  http-request del-header X-Forwarded-For
  option forwardfor
  acl realtime path_beg /yjs/ /socket.io/
  use_backend relays_by_room if realtime
  default_backend relays

# /yjs and socket.io of one room go to one relay while it is up (consistent hashing on the room
# parameter the client adds, so adding or losing a relay moves only its share of the rooms);
# when it is down they go to another. Correctness never depends on it: it only saves fan-out.
backend relays_by_room
  balance url_param room
  hash-type consistent
${health}${served}
${servers}

backend relays
  balance roundrobin
${health}${served}
${servers}
`
}
