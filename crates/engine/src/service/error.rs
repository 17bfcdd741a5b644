//! The errors the service answers: an AWS error code and its message. The API layer picks the
//! HTTP status of each code.

/// Every error code the service (and its API layer) answers with, as AWS names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    ActivityAlreadyExists,
    ActivityDoesNotExist,
    ConflictException,
    ExecutionAlreadyExists,
    ExecutionDoesNotExist,
    ExecutionNotRedrivable,
    InternalFailure,
    InvalidArn,
    InvalidDefinition,
    InvalidEncryptionConfiguration,
    InvalidExecutionInput,
    InvalidLoggingConfiguration,
    InvalidName,
    InvalidOutput,
    InvalidToken,
    MissingRequiredParameter,
    ResourceNotFound,
    SerializationException,
    ServiceQuotaExceededException,
    StateMachineAlreadyExists,
    StateMachineDeleting,
    StateMachineDoesNotExist,
    StateMachineTypeNotSupported,
    TaskTimedOut,
    TooManyTags,
    UnknownOperationException,
    ValidationException,
}

impl ErrorCode {
    /// The code as the `__type` of an error response names it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::ActivityAlreadyExists => "ActivityAlreadyExists",
            ErrorCode::ActivityDoesNotExist => "ActivityDoesNotExist",
            ErrorCode::ConflictException => "ConflictException",
            ErrorCode::ExecutionAlreadyExists => "ExecutionAlreadyExists",
            ErrorCode::ExecutionDoesNotExist => "ExecutionDoesNotExist",
            ErrorCode::ExecutionNotRedrivable => "ExecutionNotRedrivable",
            ErrorCode::InternalFailure => "InternalFailure",
            ErrorCode::InvalidArn => "InvalidArn",
            ErrorCode::InvalidDefinition => "InvalidDefinition",
            ErrorCode::InvalidEncryptionConfiguration => "InvalidEncryptionConfiguration",
            ErrorCode::InvalidExecutionInput => "InvalidExecutionInput",
            ErrorCode::InvalidLoggingConfiguration => "InvalidLoggingConfiguration",
            ErrorCode::InvalidName => "InvalidName",
            ErrorCode::InvalidOutput => "InvalidOutput",
            ErrorCode::InvalidToken => "InvalidToken",
            ErrorCode::MissingRequiredParameter => "MissingRequiredParameter",
            ErrorCode::ResourceNotFound => "ResourceNotFound",
            ErrorCode::SerializationException => "SerializationException",
            ErrorCode::ServiceQuotaExceededException => "ServiceQuotaExceededException",
            ErrorCode::StateMachineAlreadyExists => "StateMachineAlreadyExists",
            ErrorCode::StateMachineDeleting => "StateMachineDeleting",
            ErrorCode::StateMachineDoesNotExist => "StateMachineDoesNotExist",
            ErrorCode::StateMachineTypeNotSupported => "StateMachineTypeNotSupported",
            ErrorCode::TaskTimedOut => "TaskTimedOut",
            ErrorCode::TooManyTags => "TooManyTags",
            ErrorCode::UnknownOperationException => "UnknownOperationException",
            ErrorCode::ValidationException => "ValidationException",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lets tests and callers compare a code with its AWS name.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// An error as the API reports it: an AWS error code and its message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ServiceError {
    pub code: ErrorCode,
    pub message: String,
}

impl ServiceError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ServiceError {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn internal(e: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::InternalFailure, e.to_string())
    }
}

impl From<store::StoreError> for ServiceError {
    fn from(e: store::StoreError) -> Self {
        ServiceError::internal(e)
    }
}

pub type Result<T> = std::result::Result<T, ServiceError>;
