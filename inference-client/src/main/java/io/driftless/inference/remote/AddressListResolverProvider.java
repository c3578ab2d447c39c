package io.driftless.inference.remote;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Resolves a fixed list of servers, {@code addresses:///host1:port1,host2:port2}, so one
 * channel balances over all of them (gRPC's DNS resolver takes one name only). Registered with
 * gRPC through {@code META-INF/services}. A host name resolves to every address it has.
 */
public final class AddressListResolverProvider extends NameResolverProvider {

    public static final String SCHEME = "addresses";

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return 5;
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
        return List.of(InetSocketAddress.class);
    }

    @Override
    public NameResolver newNameResolver(URI target, NameResolver.Args args) {
        if (!SCHEME.equals(target.getScheme())) {
            return null;
        }
        List<HostAndPort> servers = HostAndPort.parseList(target.getPath().replaceFirst("^/", ""));
        return new AddressListResolver(servers);
    }

    private static final class AddressListResolver extends NameResolver {
        private final List<HostAndPort> servers;
        private Listener2 listener;

        AddressListResolver(List<HostAndPort> servers) {
            this.servers = servers;
        }

        @Override
        public String getServiceAuthority() {
            // TLS checks every server's certificate against this name: the first server's host
            return servers.get(0).host();
        }

        @Override
        public void start(Listener2 listener) {
            this.listener = listener;
            resolve();
        }

        @Override
        public void refresh() {
            resolve();
        }

        private void resolve() {
            List<EquivalentAddressGroup> groups = new ArrayList<>();
            for (HostAndPort server : servers) {
                InetSocketAddress address = new InetSocketAddress(server.host(), server.port());
                if (!address.isUnresolved()) {
                    groups.add(new EquivalentAddressGroup(address));
                }
            }
            if (groups.isEmpty()) {
                listener.onError(Status.UNAVAILABLE.withDescription("none of " + servers + " resolves"));
            } else {
                listener.onResult(ResolutionResult.newBuilder().setAddresses(groups).build());
            }
        }

        @Override
        public void shutdown() {}
    }
}
