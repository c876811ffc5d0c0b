//! Checks of single network values: interface names, MAC addresses, IP addresses and CIDRs.
//! Each has the [`CustomCheck`](super::schema::CustomCheck) signature so a schema table can
//! name it.

use std::net::IpAddr;

use super::check::{Checker, interface_name_problem};
use super::net::{CidrError, IpNet, MacAddress};
use super::rules::{
    INVALID_INTERFACE_NAME, INVALID_IP_ADDRESS, INVALID_MAC_ADDRESS, MULTICAST_MAC_ADDRESS,
};
use super::schema::check_str;
use super::yaml::Node;

/// Checks a Linux interface name.
pub fn check_interface_name(checker: &mut Checker, node: &Node, path: &str) {
    let Some(name) = check_str(checker, node, path) else {
        return;
    };
    if let Some(problem) = interface_name_problem(name) {
        let message = format!("interface name `{name}` in `{path}` {problem}");
        checker
            .report(
                &INVALID_INTERFACE_NAME,
                node.span.clone(),
                message,
                "invalid interface name",
            )
            .help("use a name of at most 15 bytes without `/`, `:` or whitespace");
    }
}

/// Checks an interface's own MAC address: valid, and not a group address.
pub fn check_mac(checker: &mut Checker, node: &Node, path: &str) {
    let Some(text) = check_str(checker, node, path) else {
        return;
    };
    let Some(mac) = MacAddress::parse(text) else {
        let message = format!("`{path}` is `{text}`, which is not a MAC address");
        checker
            .report(
                &INVALID_MAC_ADDRESS,
                node.span.clone(),
                message,
                "invalid MAC address",
            )
            .help("write six hexadecimal octets separated by colons, such as `52:54:00:12:34:56`");
        return;
    };
    if mac.is_multicast() {
        let message = format!(
            "`{path}` is `{text}`, a multicast MAC address, which no interface can use as its own"
        );
        checker
            .report(&MULTICAST_MAC_ADDRESS, node.span.clone(), message, "multicast address")
            .help("clear the low bit of the first octet; locally administered unicast addresses start with `x2`, `x6`, `xA` or `xE`");
    }
}

/// Parses an IP address, reporting it when invalid.
pub fn read_ip(checker: &mut Checker, node: &Node, path: &str) -> Option<IpAddr> {
    let text = check_str(checker, node, path)?;
    let parsed = text.parse().ok();
    if parsed.is_none() {
        let message = format!("`{path}` is `{text}`, which is not an IP address");
        checker
            .report(&INVALID_IP_ADDRESS, node.span.clone(), message, "invalid IP address")
            .help("write an IPv4 address such as `192.0.2.10` or an IPv6 address such as `2001:db8::10`, without a prefix length");
    }
    parsed
}

/// Checks an IP address.
pub fn check_ip(checker: &mut Checker, node: &Node, path: &str) {
    read_ip(checker, node, path);
}

/// Checks a DNS server: an IP address, optionally with an IPv6 zone such as `fe80::1%eth0`.
pub fn check_dns_server(checker: &mut Checker, node: &Node, path: &str) {
    let Some(text) = check_str(checker, node, path) else {
        return;
    };
    let address = text.split_once('%').map_or(text, |(address, _)| address);
    if address.parse::<IpAddr>().is_err() {
        let message = format!("DNS server `{text}` in `{path}` is not an IP address");
        checker.report(
            &INVALID_IP_ADDRESS,
            node.span.clone(),
            message,
            "invalid IP address",
        );
    }
}

/// Checks a route destination: a CIDR, or an address taken as a host route.
pub fn check_destination(checker: &mut Checker, node: &Node, path: &str) {
    let Some(text) = check_str(checker, node, path) else {
        return;
    };
    if text.parse::<IpAddr>().is_ok() {
        return;
    }
    if let Err(error) = IpNet::parse(text) {
        let reason = describe_cidr_error(&error);
        let message = format!("`{path}` is `{text}`, which is not a valid CIDR: {reason}");
        checker
            .report(
                &INVALID_IP_ADDRESS,
                node.span.clone(),
                message,
                "invalid destination",
            )
            .help("write a network in CIDR notation, such as `192.0.2.0/24`");
    }
}

/// Describes why a CIDR is invalid, as a clause for a message.
pub fn describe_cidr_error(error: &CidrError) -> String {
    match error {
        CidrError::MissingPrefix => "it has no `/prefix-length`".into(),
        CidrError::InvalidAddress => "its address part is not an IP address".into(),
        CidrError::InvalidPrefix { max } => {
            format!("its prefix length is not a number from 0 to {max}")
        }
    }
}
