//! Amazon Resource Names: the one parser every crate uses, and the partition of a region.

/// The parts of `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`. `resource` is everything after
/// the fifth colon (it may hold further colons: `stateMachine:name:1`, `function:f:alias`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Reads an ARN of any service; None when the text does not have its six parts. Region and
    /// account may be empty (`arn:aws:states:::lambda:invoke`), partition and service may not.
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let mut parts = text.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let partition = parts.next().filter(|p| !p.is_empty())?;
        let service = parts.next().filter(|s| !s.is_empty())?;
        Some(Arn {
            partition,
            service,
            region: parts.next()?,
            account: parts.next()?,
            resource: parts.next()?,
        })
    }

    /// The resource split at its first colon: `("stateMachine", "name:1")`; the type alone when
    /// the resource has no colon.
    pub fn resource_type_and_rest(&self) -> (&'a str, Option<&'a str>) {
        match self.resource.split_once(':') {
            Some((kind, rest)) => (kind, Some(rest)),
            None => (self.resource, None),
        }
    }
}

/// The AWS partition a region belongs to (`aws` for any region it does not know).
pub fn partition_for_region(region: &str) -> &'static str {
    const PARTITIONS: [(&str, &str); 6] = [
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-iso-", "aws-iso"),
        ("us-isob-", "aws-iso-b"),
        ("eu-isoe-", "aws-iso-e"),
        ("us-isof-", "aws-iso-f"),
    ];
    PARTITIONS
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or("aws", |(_, partition)| partition)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_split_into_their_parts() {
        let arn = Arn::parse("arn:aws:states:eu-west-1:123456789012:stateMachine:m:1").unwrap();
        assert_eq!(
            (arn.partition, arn.service, arn.region, arn.account),
            ("aws", "states", "eu-west-1", "123456789012")
        );
        assert_eq!(arn.resource, "stateMachine:m:1");
        assert_eq!(arn.resource_type_and_rest(), ("stateMachine", Some("m:1")));
        let integration = Arn::parse("arn:aws:states:::lambda:invoke").unwrap();
        assert_eq!((integration.region, integration.account), ("", ""));
        assert_eq!(
            Arn::parse("arn:aws:iam::1:role/r").unwrap().resource,
            "role/r"
        );
        for bad in [
            "",
            "not-an-arn",
            "arn:aws:states",
            "arn::states:r:a:x",
            "urn:aws:s:r:a:x",
        ] {
            assert_eq!(Arn::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn regions_belong_to_their_partitions() {
        assert_eq!(partition_for_region("us-east-1"), "aws");
        assert_eq!(partition_for_region("cn-north-1"), "aws-cn");
        assert_eq!(partition_for_region("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition_for_region("us-iso-east-1"), "aws-iso");
        assert_eq!(partition_for_region("us-isob-east-1"), "aws-iso-b");
        assert_eq!(partition_for_region("eu-isoe-west-1"), "aws-iso-e");
        assert_eq!(partition_for_region("us-isof-south-1"), "aws-iso-f");
    }
}
