package io.driftless.inference.remote;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** One server address, {@code host:port} (IPv6 as {@code [::1]:port}). */
public record HostAndPort(String host, int port) implements Serializable {

    public HostAndPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
    }

    /** Parses {@code host:port[,host:port...]}; the message says which part is wrong. */
    public static List<HostAndPort> parseList(String list) {
        if (list == null || list.isBlank()) {
            throw new IllegalArgumentException("no server address given: expected host:port[,host:port...]");
        }
        List<HostAndPort> parsed = new ArrayList<>();
        for (String part : list.split(",")) {
            parsed.add(parse(part.trim()));
        }
        return List.copyOf(parsed);
    }

    public static HostAndPort parse(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("'" + address + "' is not host:port, e.g. localhost:50051");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + address + "' has no numeric port, e.g. localhost:50051");
        }
        try {
            return new HostAndPort(host, port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + address + "': " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
