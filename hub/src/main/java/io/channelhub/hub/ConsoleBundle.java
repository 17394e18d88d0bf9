package io.channelhub.hub;

import io.channelhub.hub.console.ConsoleUsers;
import io.channelhub.hub.console.PasswordHasher;
import io.channelhub.hub.web.api.ConsoleUsersResource;
import io.channelhub.hub.web.console.ConsoleAssets;
import io.channelhub.hub.web.console.ConsoleSessionResource;
import io.dropwizard.core.setup.Environment;
import java.time.Duration;

/**
 * The browser console: its files, sign-in and sessions (through the API's own authentication), and its users' route
 * (mounted for tenants and the platform by the API roots).
 */
final class ConsoleBundle extends HubBundle<ConsoleUsersResource> {

    private final CoreBundle core;
    private final IdentityBundle identity;

    ConsoleBundle(CoreBundle core, IdentityBundle identity) {
        this.core = core;
        this.identity = identity;
    }

    @Override
    protected ConsoleUsersResource build(HubConfiguration config, Environment env) {
        var c = core.get();
        var id = identity.get();
        var cfg = config.getConsole();
        var users = new ConsoleUsers(c.jdbi(), new PasswordHasher(cfg.getPasswordIterations()), id.sessions(),
                c.clock(), cfg.getMaxFailedLogins(), Duration.ofMillis(cfg.getLockout().toMilliseconds()));
        var jersey = env.jersey();
        jersey.register(new ConsoleSessionResource(users, id.sessions(), id.keys(), id.audit(), cfg.getSecureCookie(),
                id.rateLimits()));
        jersey.register(new ConsoleAssets());
        return new ConsoleUsersResource(users, id.access(), id.audit());
    }
}
