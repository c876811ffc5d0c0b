//! Network values as written in snippets: MAC addresses, IP networks in CIDR notation and
//! OVN-Kubernetes subnets.
//!
//! Parsing follows the programs that read the values: IP addresses use the standard library's
//! strict parser, which like Go's `net.ParseIP` rejects leading zeros in IPv4 octets.

use std::fmt;
use std::net::IpAddr;

/// A MAC address: 6 octets, or 20 for InfiniBand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacAddress(pub Vec<u8>);

impl MacAddress {
    /// Parses colon-separated hexadecimal octets, such as `52:54:00:12:34:56`.
    pub fn parse(text: &str) -> Option<Self> {
        let octets: Option<Vec<u8>> = text.split(':').map(parse_octet).collect();
        let octets = octets?;
        matches!(octets.len(), 6 | 20).then_some(Self(octets))
    }

    /// Returns whether the address is a group address: the low bit of the first octet is set, so no
    /// interface can use it as its own address.
    pub fn is_multicast(&self) -> bool {
        self.0.first().is_some_and(|octet| octet & 1 == 1)
    }
}

fn parse_octet(text: &str) -> Option<u8> {
    let is_hex = text.len() == 2 && text.bytes().all(|b| b.is_ascii_hexdigit());
    is_hex.then(|| u8::from_str_radix(text, 16).ok()).flatten()
}

impl fmt::Display for MacAddress {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let octets: Vec<String> = self.0.iter().map(|o| format!("{o:02X}")).collect();
        formatter.write_str(&octets.join(":"))
    }
}

/// An IP network in CIDR notation, such as `192.168.22.224/29`. The address may have host bits
/// set, as Go's `net.ParseCIDR` allows; [`IpNet::network`] clears them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    /// The address as written.
    pub addr: IpAddr,
    /// The prefix length in bits.
    pub prefix_len: u8,
}

/// The reason a CIDR string is invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CidrError {
    /// No `/` separates address and prefix length.
    MissingPrefix,
    /// The part before `/` is not an IP address.
    InvalidAddress,
    /// The prefix length is not a number, or longer than the address.
    InvalidPrefix {
        /// The maximum for the address family: 32 or 128.
        max: u8,
    },
}

impl IpNet {
    /// Parses `address/prefix-length`.
    pub fn parse(text: &str) -> Result<Self, CidrError> {
        let (addr, prefix) = text.split_once('/').ok_or(CidrError::MissingPrefix)?;
        let addr: IpAddr = addr.parse().map_err(|_| CidrError::InvalidAddress)?;
        let max = max_prefix(addr);
        let prefix_len = parse_prefix(prefix, max).ok_or(CidrError::InvalidPrefix { max })?;
        Ok(Self { addr, prefix_len })
    }

    /// Returns the network address: the address with its host bits cleared.
    pub fn network(&self) -> IpAddr {
        match self.addr {
            IpAddr::V4(addr) => {
                let bits = u32::from(addr) & mask_v4(self.prefix_len);
                IpAddr::V4(bits.into())
            }
            IpAddr::V6(addr) => {
                let bits = u128::from(addr) & mask_v6(self.prefix_len);
                IpAddr::V6(bits.into())
            }
        }
    }

    /// Returns whether `other` lies entirely inside this network.
    pub fn contains(&self, other: &IpNet) -> bool {
        if other.prefix_len < self.prefix_len {
            return false;
        }
        let narrowed = IpNet {
            addr: other.addr,
            prefix_len: self.prefix_len,
        };
        self.addr.is_ipv4() == other.addr.is_ipv4() && narrowed.network() == self.network()
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}/{}", self.addr, self.prefix_len)
    }
}

/// Returns the longest prefix for the address's family.
pub fn max_prefix(addr: IpAddr) -> u8 {
    if addr.is_ipv4() { 32 } else { 128 }
}

/// Parses a decimal prefix length of at most `max`, without sign or leading zeros.
fn parse_prefix(text: &str, max: u8) -> Option<u8> {
    let plain = !text.is_empty() && text.len() <= 3 && text.bytes().all(|b| b.is_ascii_digit());
    let canonical = text == "0" || !text.starts_with('0');
    let value: u8 = (plain && canonical).then(|| text.parse().ok()).flatten()?;
    (value <= max).then_some(value)
}

fn mask_v4(prefix_len: u8) -> u32 {
    u32::MAX
        .checked_shl(32 - u32::from(prefix_len))
        .unwrap_or(0)
}

fn mask_v6(prefix_len: u8) -> u128 {
    u128::MAX
        .checked_shl(128 - u32::from(prefix_len))
        .unwrap_or(0)
}

/// One item of an OVN-Kubernetes `subnets` list. A layer3 network may add the length of each
/// node's slice, as in `10.128.0.0/14/23`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subnet {
    /// The network.
    pub network: IpNet,
    /// The prefix length of each node's part, for layer3 only.
    pub host_prefix_len: Option<u8>,
}

impl Subnet {
    /// Parses `cidr` or `cidr/host-prefix-length`.
    pub fn parse(text: &str) -> Result<Self, CidrError> {
        let slashes = text.matches('/').count();
        if slashes < 2 {
            let network = IpNet::parse(text)?;
            return Ok(Self {
                network,
                host_prefix_len: None,
            });
        }
        let (cidr, host) = text.rsplit_once('/').ok_or(CidrError::MissingPrefix)?;
        let network = IpNet::parse(cidr)?;
        let max = max_prefix(network.addr);
        let host = parse_prefix(host, max).ok_or(CidrError::InvalidPrefix { max })?;
        Ok(Self {
            network,
            host_prefix_len: Some(host),
        })
    }
}

impl fmt::Display for Subnet {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.host_prefix_len {
            Some(host) => write!(formatter, "{}/{host}", self.network),
            None => write!(formatter, "{}", self.network),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_parses_and_detects_multicast() {
        let unicast = MacAddress::parse("52:54:00:12:34:56").unwrap();
        assert!(!unicast.is_multicast());
        let multicast = MacAddress::parse("01:00:5e:00:00:01").unwrap();
        assert!(multicast.is_multicast());
        assert_eq!(MacAddress::parse("52:54:00:12:34"), None);
        assert_eq!(MacAddress::parse("52-54-00-12-34-56"), None);
        assert_eq!(MacAddress::parse("5:54:00:12:34:56"), None);
        assert_eq!(MacAddress::parse("+5:54:00:12:34:56"), None);
    }

    #[test]
    fn cidr_parses_and_contains() {
        let subnet = IpNet::parse("192.168.22.0/24").unwrap();
        let inside = IpNet::parse("192.168.22.224/29").unwrap();
        let outside = IpNet::parse("192.168.23.0/29").unwrap();
        assert!(subnet.contains(&inside));
        assert!(!subnet.contains(&outside));
        assert!(!inside.contains(&subnet));
        assert_eq!(inside.network().to_string(), "192.168.22.224");
        let zero = IpNet::parse("0.0.0.0/0").unwrap();
        assert!(zero.contains(&outside));
    }

    #[test]
    fn cidr_rejects_bad_input() {
        assert_eq!(IpNet::parse("10.0.0.0"), Err(CidrError::MissingPrefix));
        assert_eq!(IpNet::parse("10.0.0/8"), Err(CidrError::InvalidAddress));
        assert_eq!(
            IpNet::parse("10.0.0.0/33"),
            Err(CidrError::InvalidPrefix { max: 32 })
        );
        assert_eq!(
            IpNet::parse("10.0.0.0/+8"),
            Err(CidrError::InvalidPrefix { max: 32 })
        );
        assert!(IpNet::parse("fd00::/129").is_err());
        assert!(IpNet::parse("fd00::/64").is_ok());
    }

    #[test]
    fn subnet_reads_layer3_host_prefix() {
        let subnet = Subnet::parse("10.128.0.0/14/23").unwrap();
        assert_eq!(subnet.host_prefix_len, Some(23));
        assert_eq!(subnet.to_string(), "10.128.0.0/14/23");
        assert!(Subnet::parse("10.128.0.0/14/33").is_err());
    }
}
