public enum ArabicNormalizer {}
