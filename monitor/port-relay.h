/* port-relay.h: `pm-monitor port-relay`, pm's loopback port relay process (monitor/port-relay.c).
 */
#pragma once

/* main() of the port-relay mode; argv[0] is "port-relay". Returns the exit status. */
int pm_monitor_port_relay(int argc, char **argv);
