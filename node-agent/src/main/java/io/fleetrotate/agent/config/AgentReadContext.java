package io.fleetrotate.agent.config;

import io.fleetrotate.config.ReadContext;
import java.time.ZoneId;
import java.util.Optional;
import java.util.function.Supplier;

/** What the agent's readers share on top of {@link ReadContext}: the host's defaults. */
record AgentReadContext(
    ReadContext yaml, Supplier<Optional<String>> hostName, ZoneId defaultZone, Accounts accounts) {}
