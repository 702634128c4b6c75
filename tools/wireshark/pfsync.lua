--[[
pfsync.lua: a Wireshark dissector for OpenBSD pfsync, version 5 (OpenBSD
4.5, messages of several types per packet, ending in EOF) and version 4
(OpenBSD 4.4, one action per packet).

Load it with
    tshark -X lua_script:tools/wireshark/pfsync.lua -r capture.pcap
or copy it into Wireshark's personal plugins folder
(~/.local/lib/wireshark/plugins/). See tools/wireshark/README.md.

It decodes:
  - IPv4 protocol 240 (IPPROTO_PFSYNC), as sent to 224.0.0.240;
  - captures of OpenBSD's pfsync0 interface, link type 246
    (LINKTYPE_PFSYNC), where the packet starts with the pfsync header.
    Wireshark 4.0 has no encapsulation for link type 246, so this file
    also carries a small reader for such pcap files; it hands each packet
    to this dissector through an "upper PDU" header.

Layout reference: the pfsync v5 wire notes of the pfsim project
(header 20 bytes, sub-header 4, message sizes below; all big-endian).

Malformed packets raise expert warnings (pfsync.expert.*), never Lua
errors. Every packet also carries hidden per-action message counts
(pfsync.msgs.<action>, named as pfsim's tx_messages counters) so that a
script can sum messages per action over a capture.
--]]

-- Loaded twice (plugins folder and -X lua_script:)? Keep the first.
-- Each script has its own globals; the package table is shared.
if package.loaded["pfsim.pfsync"] then
    return
end
package.loaded["pfsim.pfsync"] = true

local pfsync = Proto("pfsync", "OpenBSD pfsync")

local HDR_LEN = 20
local SUBH_LEN = 4
local EOF_BODY_LEN = 20
local PEER_LEN = 32
local STATE_LEN = 240

----------------------------------------------------------------------
-- Value tables
----------------------------------------------------------------------

local af_names = { [2] = "AF_INET", [24] = "AF_INET6" }
local proto_names = {
    [1] = "ICMP", [6] = "TCP", [17] = "UDP", [47] = "GRE", [50] = "ESP",
    [51] = "AH", [58] = "ICMPv6", [112] = "CARP",
}
local dir_names = { [0] = "INOUT", [1] = "IN", [2] = "OUT" }
local bus_names = { [1] = "START", [2] = "END" }

-- pf timeouts (PFTM_*), pfvar.h of OpenBSD 4.5
local timeout_names = {
    [0] = "TCP_FIRST_PACKET", "TCP_OPENING", "TCP_ESTABLISHED",
    "TCP_CLOSING", "TCP_FIN_WAIT", "TCP_CLOSED", "UDP_FIRST_PACKET",
    "UDP_SINGLE", "UDP_MULTIPLE", "ICMP_FIRST_PACKET", "ICMP_ERROR_REPLY",
    "OTHER_FIRST_PACKET", "OTHER_SINGLE", "OTHER_MULTIPLE", "FRAG",
    "INTERVAL", "ADAPTIVE_START", "ADAPTIVE_END", "SRC_NODE", "TS_DIFF",
    "MAX", "PURGE", "UNLINKED",
}
local PFTM_MAX = 20

-- peer states: TCPS_* (0..10) and pf's proxy states, or PFUDPS_*/PFOTHERS_*
local tcp_state_names = {
    [0] = "CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
    "CLOSE_WAIT", "FIN_WAIT_1", "CLOSING", "LAST_ACK", "FIN_WAIT_2",
    "TIME_WAIT", "PROXY_SRC", "PROXY_DST",
}
local other_state_names = { [0] = "NO_TRAFFIC", "SINGLE", "MULTIPLE" }
local PEER_STATE_MAX = 12

local function peer_state_name(v, proto)
    if proto == 6 then
        return tcp_state_names[v] or "?"
    elseif proto ~= nil then
        return other_state_names[v] or "?"
    end
    -- UPD_C carries no protocol: give both readings when they differ
    local t = tcp_state_names[v] or "?"
    local o = other_state_names[v]
    if o then
        return t .. " / " .. o
    end
    return t
end

----------------------------------------------------------------------
-- Actions. "key" names the per-packet message counter pfsync.msgs.<key>,
-- the same names as pfsim's tx_messages; "size" is the message size.
----------------------------------------------------------------------

-- filled in below, once the message decoders exist
local v5_actions, v4_actions

local msg_keys = {
    "clr", "ins", "iack", "upd", "upd_c", "ureq", "del", "del_c", "bus",
    "tdb", "eof",
}

----------------------------------------------------------------------
-- Fields
----------------------------------------------------------------------

local f = {}

-- headers
f.version = ProtoField.uint8("pfsync.version", "Version")
f.pad = ProtoField.bytes("pfsync.pad", "Padding")
f.len = ProtoField.uint16("pfsync.len", "Length")
f.cksum = ProtoField.bytes("pfsync.cksum", "Ruleset checksum")
f.af = ProtoField.uint8("pfsync.af", "Address family (unused)")
f.action = ProtoField.uint8("pfsync.action", "Action")
f.action_name = ProtoField.string("pfsync.action.name", "Action name")
f.count = ProtoField.uint16("pfsync.count", "Count")
f.subh = ProtoField.bytes("pfsync.subh", "Sub-header")
f.data = ProtoField.bytes("pfsync.data", "Data")

-- per-packet message counts (hidden)
f.msgs = {}
for _, k in ipairs(msg_keys) do
    f.msgs[k] = ProtoField.uint32("pfsync.msgs." .. k,
        k:upper() .. " messages in this packet")
end

-- number of expert warnings in this packet (hidden; absent if none)
f.warnings = ProtoField.uint32("pfsync.warnings", "Warnings in this packet")

-- any message naming a state (hidden): follow one state across types
f.any_id = ProtoField.uint64("pfsync.id", "State ID (any message)", base.HEX)
f.any_creatorid = ProtoField.uint32("pfsync.creatorid",
    "Creator ID (any message)", base.HEX)

-- struct pfsync_state_peer, under several prefixes
local function peer_fields(prefix)
    local p = {}
    p.scrub = ProtoField.bytes(prefix .. ".scrub", "Scrub")
    p.scrub_flags = ProtoField.uint16(prefix .. ".scrub.flags",
        "Scrub flags", base.HEX)
    p.scrub_ts = ProtoField.bool(prefix .. ".scrub.flags.timestamp",
        "PFSS_TIMESTAMP", 16, nil, 0x0001)
    p.scrub_ttl = ProtoField.uint8(prefix .. ".scrub.ttl", "Scrub TTL")
    p.scrub_valid = ProtoField.uint8(prefix .. ".scrub.valid",
        "Scrub data valid", base.HEX, { [0] = "no", [1] = "yes" })
    p.scrub_ts_mod = ProtoField.uint32(prefix .. ".scrub.ts_mod",
        "Timestamp modulation", base.HEX)
    p.seqlo = ProtoField.uint32(prefix .. ".seqlo", "Seqlo")
    p.seqhi = ProtoField.uint32(prefix .. ".seqhi", "Seqhi")
    p.seqdiff = ProtoField.uint32(prefix .. ".seqdiff", "Seqdiff")
    p.max_win = ProtoField.uint16(prefix .. ".max_win", "Max window")
    p.mss = ProtoField.uint16(prefix .. ".mss", "MSS")
    p.state = ProtoField.uint8(prefix .. ".state", "State")
    p.wscale = ProtoField.uint8(prefix .. ".wscale", "Window scale",
        base.HEX)
    p.wscale_seen = ProtoField.bool(prefix .. ".wscale.seen",
        "Window scale option seen", 8, nil, 0x80)
    p.wscale_shift = ProtoField.uint8(prefix .. ".wscale.shift", "Shift",
        base.DEC, nil, 0x0f)
    return p
end

-- struct pfsync_state (INS, UPD, DEL; v4 INS, UPD, DEL)
f.state = {
    id = ProtoField.uint64("pfsync.state.id", "ID", base.HEX),
    ifname = ProtoField.stringz("pfsync.state.ifname", "Interface"),
    key = ProtoField.bytes("pfsync.state.key", "Key"),
    addr0 = ProtoField.ipv4("pfsync.state.key.addr0", "Address[0]"),
    addr1 = ProtoField.ipv4("pfsync.state.key.addr1", "Address[1]"),
    addr0_v6 = ProtoField.ipv6("pfsync.state.key.addr0_v6", "Address[0]"),
    addr1_v6 = ProtoField.ipv6("pfsync.state.key.addr1_v6", "Address[1]"),
    addr0_raw = ProtoField.bytes("pfsync.state.key.addr0_raw",
        "Address[0]"),
    addr1_raw = ProtoField.bytes("pfsync.state.key.addr1_raw",
        "Address[1]"),
    port0 = ProtoField.uint16("pfsync.state.key.port0", "Port[0]"),
    port1 = ProtoField.uint16("pfsync.state.key.port1", "Port[1]"),
    src = peer_fields("pfsync.state.src"),
    dst = peer_fields("pfsync.state.dst"),
    rt_addr = ProtoField.bytes("pfsync.state.rt_addr", "Route-to address"),
    rule = ProtoField.uint32("pfsync.state.rule", "Rule"),
    anchor = ProtoField.uint32("pfsync.state.anchor", "Anchor rule"),
    nat_rule = ProtoField.uint32("pfsync.state.nat_rule", "NAT rule"),
    creation = ProtoField.uint32("pfsync.state.creation", "Age (s)"),
    expire = ProtoField.uint32("pfsync.state.expire", "Expires in (s)"),
    packets0 = ProtoField.uint64("pfsync.state.packets0", "Packets[0]"),
    packets1 = ProtoField.uint64("pfsync.state.packets1", "Packets[1]"),
    bytes0 = ProtoField.uint64("pfsync.state.bytes0", "Bytes[0]"),
    bytes1 = ProtoField.uint64("pfsync.state.bytes1", "Bytes[1]"),
    creatorid = ProtoField.uint32("pfsync.state.creatorid", "Creator ID",
        base.HEX),
    af = ProtoField.uint8("pfsync.state.af", "Address family", base.DEC,
        af_names),
    proto = ProtoField.uint8("pfsync.state.proto", "Protocol", base.DEC,
        proto_names),
    direction = ProtoField.uint8("pfsync.state.direction", "Direction",
        base.DEC, dir_names),
    log = ProtoField.uint8("pfsync.state.log", "Log", base.HEX),
    state_flags = ProtoField.uint8("pfsync.state.state_flags",
        "State flags", base.HEX),
    sf_allowopts = ProtoField.bool("pfsync.state.state_flags.allowopts",
        "ALLOWOPTS", 8, nil, 0x01),
    sf_sloppy = ProtoField.bool("pfsync.state.state_flags.sloppy",
        "SLOPPY", 8, nil, 0x02),
    sf_pflow = ProtoField.bool("pfsync.state.state_flags.pflow",
        "PFLOW", 8, nil, 0x04),
    sf_nosync = ProtoField.bool("pfsync.state.state_flags.nosync",
        "NOSYNC", 8, nil, 0x08),
    sf_ack = ProtoField.bool("pfsync.state.state_flags.ack",
        "ACK (ask for an INS_ACK)", 8, nil, 0x10),
    timeout = ProtoField.uint8("pfsync.state.timeout", "Timeout", base.DEC,
        timeout_names),
    sync_flags = ProtoField.uint8("pfsync.state.sync_flags", "Sync flags",
        base.HEX),
    sy_srcnode = ProtoField.bool("pfsync.state.sync_flags.srcnode",
        "SRCNODE (v4: STALE)", 8, nil, 0x04),
    sy_natsrcnode = ProtoField.bool("pfsync.state.sync_flags.natsrcnode",
        "NATSRCNODE", 8, nil, 0x08),
    updates = ProtoField.uint8("pfsync.state.updates", "Updates"),
}

-- struct pfsync_clr (v5 20 bytes, v4 24 bytes)
f.clr = {
    ifname = ProtoField.stringz("pfsync.clr.ifname", "Interface"),
    creatorid = ProtoField.uint32("pfsync.clr.creatorid", "Creator ID",
        base.HEX),
}

-- id + creatorid messages
local function idc_fields(prefix)
    return {
        id = ProtoField.uint64(prefix .. ".id", "ID", base.HEX),
        creatorid = ProtoField.uint32(prefix .. ".creatorid", "Creator ID",
            base.HEX),
    }
end
f.ins_ack = idc_fields("pfsync.ins_ack")
f.upd_req = idc_fields("pfsync.upd_req")
f.del_c = idc_fields("pfsync.del_c")
f.del_c.src_state = ProtoField.uint8("pfsync.del_c.src.state",
    "Source peer state")
f.del_c.dst_state = ProtoField.uint8("pfsync.del_c.dst.state",
    "Destination peer state")

-- struct pfsync_upd_c (v5 84 bytes) / pfsync_state_upd (v4 88 bytes)
f.upd_c = idc_fields("pfsync.upd_c")
f.upd_c.src = peer_fields("pfsync.upd_c.src")
f.upd_c.dst = peer_fields("pfsync.upd_c.dst")
f.upd_c.expire = ProtoField.uint32("pfsync.upd_c.expire", "Expires in (s)")
f.upd_c.timeout = ProtoField.uint8("pfsync.upd_c.timeout", "Timeout",
    base.DEC, timeout_names)
f.upd_c.updates = ProtoField.uint8("pfsync.upd_c.updates", "Updates")

-- struct pfsync_bus
f.bus = {
    creatorid = ProtoField.uint32("pfsync.bus.creatorid", "Creator ID",
        base.HEX),
    endtime = ProtoField.uint32("pfsync.bus.endtime", "End time (s)"),
    status = ProtoField.uint8("pfsync.bus.status", "Status", base.DEC,
        bus_names),
}

-- struct pfsync_tdb
f.tdb = {
    spi = ProtoField.uint32("pfsync.tdb.spi", "SPI", base.HEX),
    dst = ProtoField.bytes("pfsync.tdb.dst", "Destination"),
    sa_len = ProtoField.uint8("pfsync.tdb.dst.len", "Length"),
    sa_family = ProtoField.uint8("pfsync.tdb.dst.family", "Family",
        base.DEC, af_names),
    sa_port = ProtoField.uint16("pfsync.tdb.dst.port", "Port"),
    sa_addr = ProtoField.ipv4("pfsync.tdb.dst.addr", "Address"),
    sa_addr_v6 = ProtoField.ipv6("pfsync.tdb.dst.addr_v6", "Address"),
    rpl = ProtoField.uint32("pfsync.tdb.rpl", "Replay counter"),
    cur_bytes = ProtoField.uint64("pfsync.tdb.cur_bytes", "Bytes"),
    sproto = ProtoField.uint8("pfsync.tdb.sproto", "Security protocol",
        base.DEC, proto_names),
    updates = ProtoField.uint8("pfsync.tdb.updates", "Updates"),
}

-- struct pfsync_eof
f.eof = {
    body = ProtoField.bytes("pfsync.eof.body", "EOF body (HMAC, unused)"),
}

-- Register every ProtoField found in f, however deeply nested.
local function collect(t, out)
    for _, v in pairs(t) do
        if type(v) == "table" then
            collect(v, out)
        else
            out[#out + 1] = v
        end
    end
    return out
end
pfsync.fields = collect(f, {})

----------------------------------------------------------------------
-- Expert infos
----------------------------------------------------------------------

local MALFORMED, PROTOCOL = expert.group.MALFORMED, expert.group.PROTOCOL
local WARN, NOTE = expert.severity.WARN, expert.severity.NOTE

local ex = {
    short = ProtoExpert.new("pfsync.expert.short",
        "Packet shorter than the pfsync header", MALFORMED, WARN),
    version = ProtoExpert.new("pfsync.expert.bad_version",
        "Unsupported pfsync version", MALFORMED, WARN),
    len = ProtoExpert.new("pfsync.expert.len_mismatch",
        "Header length does not match the packet", MALFORMED, WARN),
    overrun = ProtoExpert.new("pfsync.expert.count_overrun",
        "Message count overruns the packet", MALFORMED, WARN),
    action = ProtoExpert.new("pfsync.expert.bad_action",
        "Unknown or unimplemented action", MALFORMED, WARN),
    no_eof = ProtoExpert.new("pfsync.expert.no_eof",
        "Packet ends without an EOF sub-header", MALFORMED, WARN),
    eof_len = ProtoExpert.new("pfsync.expert.eof_len",
        "EOF body is not 20 bytes", MALFORMED, WARN),
    trailing = ProtoExpert.new("pfsync.expert.trailing",
        "Bytes after the last message", MALFORMED, WARN),
    bad_value = ProtoExpert.new("pfsync.expert.bad_value",
        "Value a receiver rejects (badval)", PROTOCOL, WARN),
    ttl = ProtoExpert.new("pfsync.expert.ttl",
        "IP TTL is not 255: receivers drop the packet", PROTOCOL, WARN),
    snapped = ProtoExpert.new("pfsync.expert.snapped",
        "Capture cut by the snap length", expert.group.UNDECODED, NOTE),
}
pfsync.experts = collect(ex, {})

----------------------------------------------------------------------
-- Message decoders. Each takes (ctx, tvb range of one message, tree)
-- and returns a short text for the message's tree item. ctx holds the
-- packet-wide state: ctx.warn(item, expert, text) flags a problem.
----------------------------------------------------------------------

local function add_hidden(tree, field, range, value)
    local item
    if range and value ~= nil then
        item = tree:add(field, range, value)
    elseif range then
        item = tree:add(field, range)
    else
        item = tree:add(field, value)
    end
    item:set_hidden()
    return item
end

local function add_id(tree, fields, r)
    tree:add(fields.id, r)
    add_hidden(tree, f.any_id, r)
    return r:uint64()
end

local function add_creator(tree, field, r)
    tree:add(field, r)
    add_hidden(tree, f.any_creatorid, r)
    return r:uint()
end

local function idhex(id)
    return "0x" .. id:tohex()
end

-- struct pfsync_state_peer; proto nil if unknown (UPD_C)
local function dissect_peer(r, tree, p, label, proto)
    local seqlo, seqhi = r(8, 4):uint(), r(12, 4):uint()
    local st = r(24, 1):uint()
    local t = tree:add(r, string.format(
        "%s: seqlo %d, seqhi %d, state %s", label, seqlo, seqhi,
        peer_state_name(st, proto)))

    local s = t:add(p.scrub, r(0, 8))
    s:set_text(r(3, 1):uint() == 1 and "Scrub: valid" or "Scrub: none")
    local fl = s:add(p.scrub_flags, r(0, 2))
    fl:add(p.scrub_ts, r(0, 2))
    s:add(p.scrub_ttl, r(2, 1))
    s:add(p.scrub_valid, r(3, 1))
    s:add(p.scrub_ts_mod, r(4, 4))

    t:add(p.seqlo, r(8, 4))
    t:add(p.seqhi, r(12, 4))
    t:add(p.seqdiff, r(16, 4))
    t:add(p.max_win, r(20, 2))
    t:add(p.mss, r(22, 2))
    t:add(p.state, r(24, 1)):append_text(" (" ..
        peer_state_name(st, proto) .. ")")
    local ws = t:add(p.wscale, r(25, 1))
    ws:add(p.wscale_seen, r(25, 1))
    ws:add(p.wscale_shift, r(25, 1))
    t:add(f.pad, r(26, 6))
    return st
end

-- one struct pfsync_state_key at r, for address family af
local function dissect_key(r, tree, idx, af)
    local fs = f.state
    local t = tree:add(fs.key, r)
    local a0, a1
    if af == 2 then
        t:add(fs.addr0, r(0, 4))
        t:add(fs.addr1, r(16, 4))
        a0, a1 = tostring(r(0, 4):ipv4()), tostring(r(16, 4):ipv4())
    elseif af == 24 then
        t:add(fs.addr0_v6, r(0, 16))
        t:add(fs.addr1_v6, r(16, 16))
        a0, a1 = "[" .. tostring(r(0, 16):ipv6()) .. "]",
            "[" .. tostring(r(16, 16):ipv6()) .. "]"
    else
        t:add(fs.addr0_raw, r(0, 16))
        t:add(fs.addr1_raw, r(16, 16))
        a0, a1 = "?", "?"
    end
    t:add(fs.port0, r(32, 2))
    t:add(fs.port1, r(34, 2))
    t:set_text(string.format("Key[%d] (%s): %s:%d - %s:%d", idx,
        idx == 0 and "wire" or "stack", a0, r(32, 2):uint(), a1,
        r(34, 2):uint()))
end

-- struct pfsync_state, 240 bytes
local function dissect_state(ctx, r, tree)
    local fs = f.state
    local af = r(232, 1):uint()
    local proto = r(233, 1):uint()
    local id = add_id(tree, fs, r(0, 8))
    tree:add(fs.ifname, r(8, 16))
    dissect_key(r(24, 36), tree, 0, af)
    dissect_key(r(60, 36), tree, 1, af)
    local src_st = dissect_peer(r(96, PEER_LEN), tree, fs.src,
        "Source peer", proto)
    local dst_st = dissect_peer(r(128, PEER_LEN), tree, fs.dst,
        "Destination peer", proto)
    tree:add(fs.rt_addr, r(160, 16))
    for _, rf in ipairs({ { fs.rule, 176 }, { fs.anchor, 180 },
        { fs.nat_rule, 184 } }) do
        local item = tree:add(rf[1], r(rf[2], 4))
        if r(rf[2], 4):uint() == 0xffffffff then
            item:append_text(" (none)")
        end
    end
    tree:add(fs.creation, r(188, 4))
    tree:add(fs.expire, r(192, 4))
    tree:add(fs.packets0, r(196, 8))
    tree:add(fs.packets1, r(204, 8))
    tree:add(fs.bytes0, r(212, 8))
    tree:add(fs.bytes1, r(220, 8))
    local creator = add_creator(tree, fs.creatorid, r(228, 4))
    local afi = tree:add(fs.af, r(232, 1))
    tree:add(fs.proto, r(233, 1))
    local diri = tree:add(fs.direction, r(234, 1))
    tree:add(fs.log, r(235, 1))
    local sf = tree:add(fs.state_flags, r(236, 1))
    sf:add(fs.sf_allowopts, r(236, 1))
    sf:add(fs.sf_sloppy, r(236, 1))
    sf:add(fs.sf_pflow, r(236, 1))
    sf:add(fs.sf_nosync, r(236, 1))
    sf:add(fs.sf_ack, r(236, 1))
    local toi = tree:add(fs.timeout, r(237, 1))
    local sy = tree:add(fs.sync_flags, r(238, 1))
    sy:add(fs.sy_srcnode, r(238, 1))
    sy:add(fs.sy_natsrcnode, r(238, 1))
    tree:add(fs.updates, r(239, 1))

    -- the receiver's sanity checks on an imported state (badval)
    if r(237, 1):uint() >= PFTM_MAX then
        ctx.warn(toi, ex.bad_value, "Timeout >= PFTM_MAX (20)")
    end
    if src_st > PEER_STATE_MAX or dst_st > PEER_STATE_MAX then
        ctx.warn(tree, ex.bad_value, "Peer state > PF_TCPS_PROXY_DST (12)")
    end
    if r(234, 1):uint() > 2 then
        ctx.warn(diri, ex.bad_value, "Direction > PF_OUT (2)")
    end
    if af ~= 2 and af ~= 24 then
        ctx.warn(afi, ex.bad_value, "Address family neither INET nor INET6")
    end

    return string.format("id %s creator 0x%08x %s %s:%d - %s:%d",
        idhex(id), creator, proto_names[proto] or tostring(proto),
        af == 2 and tostring(r(24, 4):ipv4()) or "?", r(56, 2):uint(),
        af == 2 and tostring(r(40, 4):ipv4()) or "?", r(58, 2):uint())
end

-- struct pfsync_clr (v5: 20 bytes; v4 pfsync_state_clr: 24 with pad)
local function dissect_clr(ctx, r, tree)
    tree:add(f.clr.ifname, r(0, 16))
    local creator = add_creator(tree, f.clr.creatorid, r(16, 4))
    if r:len() > 20 then
        tree:add(f.pad, r(20))
    end
    local ifname = r(0, 16):stringz()
    return string.format("creator 0x%08x, interface %s", creator,
        ifname == "" and "(all)" or ifname)
end

-- id + creatorid (12 bytes), possibly with v4 trailing fields
local function idc_decoder(fields, what)
    return function(ctx, r, tree)
        local id = add_id(tree, fields, r(0, 8))
        local creator = add_creator(tree, fields.creatorid, r(8, 4))
        if r:len() > 12 then
            tree:add(f.pad, r(12))
        end
        if what == "ureq" and creator == 0 and
            id == UInt64(0, 0) then
            return "id 0 creator 0: bulk update request"
        end
        return string.format("id %s creator 0x%08x", idhex(id), creator)
    end
end

-- v4 struct pfsync_state_del, 16 bytes
local function dissect_del_c4(ctx, r, tree)
    local id = add_id(tree, f.del_c, r(0, 8))
    local creator = add_creator(tree, f.del_c.creatorid, r(8, 4))
    tree:add(f.del_c.src_state, r(12, 1))
    tree:add(f.del_c.dst_state, r(13, 1))
    tree:add(f.pad, r(14, 2))
    return string.format("id %s creator 0x%08x", idhex(id), creator)
end

-- struct pfsync_upd_c (v5, 84 bytes) or pfsync_state_upd (v4, 88 bytes)
local function dissect_upd_c(ctx, r, tree)
    local fu = f.upd_c
    local id = add_id(tree, fu, r(0, 8))
    local src_st = dissect_peer(r(8, PEER_LEN), tree, fu.src,
        "Source peer", nil)
    local dst_st = dissect_peer(r(40, PEER_LEN), tree, fu.dst,
        "Destination peer", nil)
    local creator = add_creator(tree, fu.creatorid, r(72, 4))
    tree:add(fu.expire, r(76, 4))
    local toi = tree:add(fu.timeout, r(80, 1))
    if ctx.version == 4 then
        tree:add(fu.updates, r(81, 1))
        tree:add(f.pad, r(82, 6))
    else
        tree:add(f.pad, r(81, 3))
    end
    if r(80, 1):uint() >= PFTM_MAX then
        ctx.warn(toi, ex.bad_value, "Timeout >= PFTM_MAX (20)")
    end
    if src_st > PEER_STATE_MAX or dst_st > PEER_STATE_MAX then
        ctx.warn(tree, ex.bad_value, "Peer state > PF_TCPS_PROXY_DST (12)")
    end
    return string.format("id %s creator 0x%08x seqlo %d/%d", idhex(id),
        creator, r(16, 4):uint(), r(48, 4):uint())
end

-- struct pfsync_bus (v5 12 bytes, v4 16 bytes)
local function dissect_bus(ctx, r, tree)
    local creator = add_creator(tree, f.bus.creatorid, r(0, 4))
    tree:add(f.bus.endtime, r(4, 4))
    tree:add(f.bus.status, r(8, 1))
    tree:add(f.pad, r(9))
    local st = r(8, 1):uint()
    return string.format("creator 0x%08x %s", creator,
        bus_names[st] or ("status " .. st))
end

-- struct pfsync_tdb, 48 bytes
local function dissect_tdb(ctx, r, tree)
    local ft = f.tdb
    tree:add(ft.spi, r(0, 4))
    local d = tree:add(ft.dst, r(4, 28))
    local fam = r(5, 1):uint()
    d:add(ft.sa_len, r(4, 1))
    d:add(ft.sa_family, r(5, 1))
    if fam == 2 then
        d:add(ft.sa_port, r(6, 2))
        d:add(ft.sa_addr, r(8, 4))
        d:set_text("Destination: " .. tostring(r(8, 4):ipv4()))
    elseif fam == 24 then
        d:add(ft.sa_port, r(6, 2))
        d:add(ft.sa_addr_v6, r(12, 16))
        d:set_text("Destination: " .. tostring(r(12, 16):ipv6()))
    end
    tree:add(ft.rpl, r(32, 4))
    tree:add(ft.cur_bytes, r(36, 8))
    tree:add(ft.sproto, r(44, 1))
    tree:add(ft.updates, r(45, 1))
    tree:add(f.pad, r(46, 2))
    return string.format("spi 0x%08x rpl %d", r(0, 4):uint(),
        r(32, 4):uint())
end

v5_actions = {
    [0] = { name = "CLR", key = "clr", size = 20, fn = dissect_clr },
    [1] = { name = "INS", key = "ins", size = STATE_LEN, fn = dissect_state },
    [2] = { name = "INS_ACK", key = "iack", size = 12,
        fn = idc_decoder(f.ins_ack) },
    [3] = { name = "UPD", key = "upd", size = STATE_LEN, fn = dissect_state },
    [4] = { name = "UPD_C", key = "upd_c", size = 84, fn = dissect_upd_c },
    [5] = { name = "UPD_REQ", key = "ureq", size = 12,
        fn = idc_decoder(f.upd_req, "ureq") },
    [6] = { name = "DEL", key = "del", size = STATE_LEN, fn = dissect_state },
    [7] = { name = "DEL_C", key = "del_c", size = 12,
        fn = idc_decoder(f.del_c) },
    [8] = { name = "INS_F" }, -- defined, never implemented
    [9] = { name = "DEL_F" },
    [10] = { name = "BUS", key = "bus", size = 12, fn = dissect_bus },
    [11] = { name = "TDB", key = "tdb", size = 48, fn = dissect_tdb },
    [12] = { name = "EOF", key = "eof", size = EOF_BODY_LEN },
}
local V5_EOF = 12

v4_actions = {
    [0] = { name = "CLR", key = "clr", size = 24, fn = dissect_clr },
    [1] = { name = "INS", key = "ins", size = STATE_LEN, fn = dissect_state },
    [2] = { name = "UPD", key = "upd", size = STATE_LEN, fn = dissect_state },
    [3] = { name = "DEL", key = "del", size = STATE_LEN, fn = dissect_state },
    [4] = { name = "UPD_C", key = "upd_c", size = 88, fn = dissect_upd_c },
    [5] = { name = "DEL_C", key = "del_c", size = 16, fn = dissect_del_c4 },
    [6] = { name = "INS_F" },
    [7] = { name = "DEL_F" },
    [8] = { name = "UREQ", key = "ureq", size = 16,
        fn = idc_decoder(f.upd_req, "ureq") },
    [9] = { name = "BUS", key = "bus", size = 16, fn = dissect_bus },
    [10] = { name = "TDB_UPD", key = "tdb", size = 48, fn = dissect_tdb },
    -- not in OpenBSD 4.4 (11 was PFSYNC_ACT_MAX): pfsim's v4-split
    -- variant sends its insert ack as id, creatorid, 4 bytes of pad
    [11] = { name = "IACK", key = "iack", size = 16,
        fn = idc_decoder(f.ins_ack) },
}

local function action_name(tbl, a)
    local d = tbl[a]
    return d and d.name or ("ACT" .. a)
end

----------------------------------------------------------------------
-- Packet-level dissection
----------------------------------------------------------------------

-- Add an action field with its name, as v4 and v5 number actions apart.
local function add_action(tree, r, tbl, a)
    local item = tree:add(f.action, r)
    item:append_text(" (" .. action_name(tbl, a) .. ")")
    add_hidden(tree, f.action_name, r, action_name(tbl, a))
    return item
end

-- Decode count messages of one action from off; stops at the end of the
-- captured data. Returns the offset after the last message decoded.
local function dissect_messages(ctx, tree, desc, off, count)
    local tvb = ctx.tvb
    for i = 1, count do
        if off + desc.size > ctx.reported then
            break
        end
        if off + desc.size > ctx.captured then
            ctx.snapped(tree)
            break
        end
        local r = tvb(off, desc.size)
        local t = tree:add(r, desc.name)
        local text = desc.fn(ctx, r, t)
        t:set_text(string.format("%s [%d]: %s", desc.name, i - 1, text))
        off = off + desc.size
    end
    return off
end

-- Check a section of count messages of size bytes at off against the
-- packet's end; warn if it runs past it. Returns true if it fits.
local function section_fits(ctx, item, name, off, count, size)
    local need = count * size
    local left = ctx.reported - off
    if need <= left then
        return true
    end
    ctx.warn(item, ex.overrun, string.format(
        "%s count %d needs %d bytes, only %d left", name, count, need,
        left))
    ctx.info_tag("count overrun")
    return false
end

local function dissect_v5(ctx, root)
    local tvb = ctx.tvb
    local hlen = tvb(2, 2):uint()
    root:add(f.version, tvb(0, 1))
    root:add(f.pad, tvb(1, 1))
    local li = root:add(f.len, tvb(2, 2))
    root:add(f.cksum, tvb(4, 16))
    if hlen ~= ctx.reported then
        ctx.warn(li, ex.len, string.format(
            "Header length %d, but the packet has %d bytes of pfsync",
            hlen, ctx.reported))
        ctx.info_tag("len mismatch")
    end

    local off = HDR_LEN
    local saw_eof = false
    while off < ctx.reported do
        if off + SUBH_LEN > ctx.captured then
            ctx.snapped(root)
            return
        end
        if off + SUBH_LEN > ctx.reported then
            ctx.warn(root, ex.no_eof, string.format(
                "%d stray bytes where a sub-header should be",
                ctx.reported - off))
            ctx.info_tag("no EOF")
            return
        end
        local a = tvb(off, 1):uint()
        local count = tvb(off + 2, 2):uint()
        local desc = v5_actions[a]
        local name = action_name(v5_actions, a)
        local st = root:add(f.subh, tvb(off, SUBH_LEN))
        st:set_text(string.format("Section: %s, count %d", name, count))
        local ai = add_action(st, tvb(off, 1), v5_actions, a)
        st:add(f.pad, tvb(off + 1, 1))
        st:add(f.count, tvb(off + 2, 2))
        if a == V5_EOF then
            ctx.summary(name)
        else
            ctx.summary(name, count)
        end
        off = off + SUBH_LEN

        if desc == nil or desc.size == nil then
            ctx.warn(ai, ex.action, string.format(
                "Action %d (%s): receivers count badact and drop the " ..
                "rest of the packet", a, name))
            ctx.info_tag("bad action " .. a)
            if off < ctx.captured then
                root:add(f.data, tvb(off, ctx.captured - off))
            end
            return
        end
        ctx.count(desc.key, count)

        if a == V5_EOF then
            saw_eof = true
            local body = ctx.reported - off
            st:set_len(SUBH_LEN + math.max(body, 0))
            if body ~= EOF_BODY_LEN then
                ctx.warn(st, ex.eof_len, string.format(
                    "EOF body is %d bytes, expected %d", body,
                    EOF_BODY_LEN))
                ctx.info_tag("EOF body " .. body)
            end
            local have = math.min(body, ctx.captured - off)
            if have > 0 then
                st:add(f.eof.body, tvb(off, have))
            end
            if have < body then
                ctx.snapped(st)
            end
            break
        end

        local fits = section_fits(ctx, ai, name, off, count, desc.size)
        st:set_len(SUBH_LEN + math.min(count * desc.size,
            ctx.captured - off))
        local done = dissect_messages(ctx, st, desc, off, count)
        if not fits or done < off + count * desc.size then
            return
        end
        off = done
    end
    if not saw_eof then
        ctx.warn(root, ex.no_eof, "Packet ends without an EOF sub-header")
        ctx.info_tag("no EOF")
    end
end

local function dissect_v4(ctx, root)
    local tvb = ctx.tvb
    local a = tvb(2, 1):uint()
    local count = tvb(3, 1):uint()
    local desc = v4_actions[a]
    local name = action_name(v4_actions, a)
    root:add(f.version, tvb(0, 1))
    root:add(f.af, tvb(1, 1))
    local ai = add_action(root, tvb(2, 1), v4_actions, a)
    root:add(f.count, tvb(3, 1), count)
    root:add(f.cksum, tvb(4, 16))
    ctx.summary(name, count)

    local off = HDR_LEN
    if desc == nil or desc.size == nil then
        ctx.warn(ai, ex.action, string.format(
            "Action %d (%s): receivers count badact and drop the packet",
            a, name))
        ctx.info_tag("bad action " .. a)
        if off < ctx.captured then
            root:add(f.data, tvb(off, ctx.captured - off))
        end
        return
    end
    ctx.count(desc.key, count)

    local fits = section_fits(ctx, ai, name, off, count, desc.size)
    local done = dissect_messages(ctx, root, desc, off, count)
    if fits and done == off + count * desc.size and done < ctx.reported then
        local extra = ctx.reported - done
        local item = root
        if done < ctx.captured then
            item = root:add(f.data, tvb(done, ctx.captured - done))
        end
        ctx.warn(item, ex.trailing, string.format(
            "%d bytes after %d %s messages", extra, count, name))
        ctx.info_tag("trailing bytes")
    end
end

local ip_ttl = Field.new("ip.ttl")

function pfsync.dissector(tvb, pinfo, tree)
    pinfo.cols.protocol = "PFSYNC"
    local root = tree:add(pfsync, tvb())

    local ctx = {
        tvb = tvb,
        captured = tvb:len(),
        reported = tvb:reported_len(),
    }
    local parts, tags, counts = {}, {}, {}
    local warned_snap = false

    local nwarn = 0
    function ctx.warn(item, e, text)
        item:add_proto_expert_info(e, text)
        if e ~= ex.snapped then
            nwarn = nwarn + 1
        end
        if e == ex.bad_value and not ctx.bad_value_tagged then
            ctx.bad_value_tagged = true
            ctx.info_tag("bad value")
        end
    end
    function ctx.info_tag(text)
        tags[#tags + 1] = text
    end
    function ctx.summary(name, count)
        parts[#parts + 1] = count and (name .. " " .. count) or name
    end
    function ctx.count(key, n)
        counts[key] = (counts[key] or 0) + n
    end
    function ctx.snapped(item)
        if not warned_snap then
            warned_snap = true
            ctx.warn(item, ex.snapped, string.format(
                "Only %d of %d bytes were captured", ctx.captured,
                ctx.reported))
            ctx.info_tag("snapped")
        end
    end

    -- Receivers accept only TTL 255 (the last IP header if tunnelled).
    local ttls = { ip_ttl() }
    local ttl = ttls[#ttls]
    if ttl and ttl.value ~= 255 then
        ctx.warn(root, ex.ttl, string.format(
            "IP TTL %d: receivers accept only 255 (badttl)", ttl.value))
        ctx.info_tag("TTL " .. ttl.value)
    end

    local version
    if ctx.captured >= 1 then
        version = tvb(0, 1):uint()
    end
    ctx.version = version

    if ctx.reported < HDR_LEN then
        if ctx.captured > 0 then
            root:add(f.data, tvb())
        end
        ctx.warn(root, ex.short, string.format(
            "%d bytes, the pfsync header alone is %d", ctx.reported,
            HDR_LEN))
        ctx.info_tag("short")
    elseif ctx.captured < HDR_LEN then
        ctx.snapped(root)
    elseif version == 5 then
        dissect_v5(ctx, root)
    elseif version == 4 then
        dissect_v4(ctx, root)
    else
        root:add(f.version, tvb(0, 1))
        root:add(f.data, tvb(1, ctx.captured - 1))
        ctx.warn(root, ex.version, string.format(
            "Version %d; this dissector knows 4 and 5 (receivers count " ..
            "badver)", version))
        ctx.info_tag("unsupported version")
    end

    -- hidden per-action message counts, in a fixed order
    for _, k in ipairs(msg_keys) do
        if counts[k] then
            add_hidden(root, f.msgs[k], nil, counts[k])
        end
    end

    if nwarn > 0 then
        add_hidden(root, f.warnings, nil, nwarn)
    end

    local info = "v" .. (version or "?")
    if #parts > 0 then
        info = info .. " " .. table.concat(parts, " ")
    end
    root:append_text(", " .. info)
    if #tags > 0 then
        info = info .. " [" .. table.concat(tags, ", ") .. "]"
    end
    pinfo.cols.info = info
    return ctx.captured
end

----------------------------------------------------------------------
-- Registration
----------------------------------------------------------------------

DissectorTable.get("ip.proto"):add(240, pfsync)

local LINKTYPE_PFSYNC = 246

if wtap_encaps.PFSYNC then
    -- a Wireshark that knows link type 246 itself
    DissectorTable.get("wtap_encap"):add(wtap_encaps.PFSYNC, pfsync)
else
    --[[
    Wireshark 4.0 refuses pcap files of link type 246 ("network type 246
    unknown or unsupported"). This reader takes such classic pcap files
    (either byte order, micro- or nanosecond timestamps) before the
    built-in pcap reader does, and presents each packet as an exported
    PDU whose header names the "pfsync" dissector. Other files are left
    to the built-in readers.
    --]]
    local EXP_PDU_TAG_DISSECTOR_NAME = 12
    local pdu_name = "pfsync"
    -- tag 12, length, the NUL-padded name; then end-of-options (0, 0)
    local pdu_prefix = string.char(0, EXP_PDU_TAG_DISSECTOR_NAME, 0, 8) ..
        pdu_name .. string.rep("\0", 8 - #pdu_name) ..
        string.char(0, 0, 0, 0)

    local function u32(s, pos, le)
        local a, b, c, d = s:byte(pos, pos + 3)
        if le then
            a, b, c, d = d, c, b, a
        end
        return ((a * 256 + b) * 256 + c) * 256 + d
    end

    local magics = {
        ["\212\195\178\161"] = { le = true, ns = false },
        ["\77\60\178\161"] = { le = true, ns = true },
        ["\161\178\195\212"] = { le = false, ns = false },
        ["\161\178\60\77"] = { le = false, ns = true },
    }

    local function read_open(file, capture)
        local hdr = file:read(24)
        if hdr == nil or #hdr < 24 then
            return false
        end
        local m = magics[hdr:sub(1, 4)]
        if m == nil then
            return false
        end
        if u32(hdr, 21, m.le) % 65536 ~= LINKTYPE_PFSYNC then
            return false
        end
        capture.private_table = { le = m.le, ns = m.ns }
        capture.encap = wtap_encaps.WIRESHARK_UPPER_PDU
        capture.time_precision = m.ns and wtap_filetypes.TSPREC_NSEC or
            wtap_filetypes.TSPREC_USEC
        capture.snapshot_length = u32(hdr, 17, m.le)
        return true
    end

    local function read_record(file, capture, frame)
        local st = capture.private_table
        local rh = file:read(16)
        if rh == nil or #rh < 16 then
            return false
        end
        local sec = u32(rh, 1, st.le)
        local frac = u32(rh, 5, st.le)
        local caplen = u32(rh, 9, st.le)
        local len = u32(rh, 13, st.le)
        if caplen > 262144 then
            return false
        end
        local data = ""
        if caplen > 0 then
            data = file:read(caplen)
            if data == nil or #data < caplen then
                return false
            end
        end
        frame.time = NSTime(sec, st.ns and frac or frac * 1000)
        frame.encap = wtap_encaps.WIRESHARK_UPPER_PDU
        frame.captured_length = #pdu_prefix + caplen
        frame.original_length = #pdu_prefix + math.max(len, caplen)
        frame.flags = wtap_presence_flags.TS + wtap_presence_flags.CAP_LEN
        frame.data = pdu_prefix .. data
        return true
    end

    local fh = FileHandler.new("OpenBSD pfsync0 (link type 246) pcap",
        "pfsync246", "pcap files of link type 246 (LINKTYPE_PFSYNC)",
        "rms")
    fh.read_open = read_open
    fh.read = function(file, capture, frame)
        local pos = file:seek()
        if not read_record(file, capture, frame) then
            return false
        end
        return pos
    end
    fh.seek_read = function(file, capture, frame, offset)
        file:seek("set", offset)
        return read_record(file, capture, frame)
    end
    fh.read_close = function(file, capture)
        return true
    end
    fh.seq_read_close = function(file, capture)
        return true
    end
    register_filehandler(fh)
end
