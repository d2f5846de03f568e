// Package testplugins holds the sources of the plugins the e2e harness builds into bundles
// (harness.BuildPlugin): each directory has the plugin's manifest (plugin.json, whose
// server.executables the harness fills in for the machine), its server part in server/ (a
// main package built against this module's server) and its webapp bundle in webapp/.
package testplugins
