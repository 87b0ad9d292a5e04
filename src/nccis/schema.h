// Every XML element name of the monthly NCCIS return, in one table.
//
// Each name records where it comes from (docs/nccis.md, "Sources"):
//  * kXsd2015: the NCCIS return schema for 2015-16 ("MI Return NCCIS 2015.xsd", developed
//    for the NCCIS database and published with the open-source CCISTool,
//    github.com/Brianetta/CCISTool);
//  * kErrorCatalogue: named by the DfE's NCCIS error report definitions (the MI requirement's
//    "Error report definitions" appendix) but added after the 2015 schema;
//  * kPathways: our choice, because no public source confirmed a name (the root element) or
//    because the field is a Pathways extension that DfE does not collect.
// The writer (export.cc) and the documentation use only these constants, so a name DfE
// changes is changed here once.
#pragma once

#include <array>
#include <string_view>

namespace pathways::nccis {

enum class NameSource : unsigned char { kXsd2015, kErrorCatalogue, kPathways };

struct ElementName {
  std::string_view name;
  NameSource source;
  std::string_view field;  // the MI requirement's field reference (YP10, CA01, ...) when known
  std::string_view note;
};

namespace el {

// Root and file header.
inline constexpr ElementName kRoot{"NCCISReturn", NameSource::kPathways, "",
                                   "not confirmed: a 2015 third-party sample used <NCCIS2015>; NccisOptions::root_element overrides"};
inline constexpr ElementName kFileHeader{"FileHeader", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kDatabases{"Databases", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kDatabaseId{"DatabaseId", NameSource::kXsd2015, "",
                                         "the 2015 XSD spells DatabaseId; some suppliers' files use DatabaseID"};
inline constexpr ElementName kSourceLEAs{"SourceLEAs", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kLEACode{"LEACode", NameSource::kXsd2015, "", "reporting LA in the header; guarantee LA in SeptemberGuarantee"};
inline constexpr ElementName kDateOfSend{"DateOfSend", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kPeriodEnd{"PeriodEnd", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kSupplierName{"SupplierName", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kSupplierXMLVersion{"SupplierXMLVersion", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kXMLSchemaVersion{"XMLSchemaVersion", NameSource::kXsd2015, "", ""};

// One young person.
inline constexpr ElementName kYoungPersonsRecord{"YoungPersonsRecord", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kPersonalDetails{"PersonalDetails", NameSource::kXsd2015, "", "young person dataset"};
inline constexpr ElementName kYoungPersonsID{"YoungPersonsID", NameSource::kXsd2015, "YP01", ""};
inline constexpr ElementName kCohortStatus{"CohortStatus", NameSource::kXsd2015, "YP10", ""};
inline constexpr ElementName kGivenName{"GivenName", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kFamilyName{"FamilyName", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kPostcode{"Postcode", NameSource::kXsd2015, "YP19", ""};
inline constexpr ElementName kGender{"Gender", NameSource::kXsd2015, "YP07", ""};
inline constexpr ElementName kDOB{"DOB", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kEthnicity{"Ethnicity", NameSource::kXsd2015, "YP27", ""};
inline constexpr ElementName kLeadLEA{"LeadLEA", NameSource::kXsd2015, "", "the LA responsible (the reporting LA)"};
inline constexpr ElementName kTransferredToLACode{"TransferredToLACode", NameSource::kXsd2015, "YP13", "not held by Pathways; never written"};
inline constexpr ElementName kUniqueLearnerNo{"UniqueLearnerNo", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kUniquePupilNumber{"UniquePupilNumber", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kGuaranteeStatusIndicator{"GuaranteeStatusIndicator", NameSource::kXsd2015, "", ""};

// September Guarantee dataset.
inline constexpr ElementName kSeptemberGuarantee{"SeptemberGuarantee", NameSource::kXsd2015, "SG", ""};
inline constexpr ElementName kYear11{"Year11", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kYear12{"Year12", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kGuaranteeStatus{"GuaranteeStatus", NameSource::kXsd2015, "SG02/SG11", ""};

// Characteristics: level of need, SEND and individual characteristics.
inline constexpr ElementName kLevelOfNeed{"LevelOfNeed", NameSource::kXsd2015, "", "individual characteristic dataset"};
inline constexpr ElementName kLevelOfNeedCode{"LevelOfNeedCode", NameSource::kXsd2015, "CA13", ""};
inline constexpr ElementName kSENDFlag{"SENDFlag", NameSource::kXsd2015, "", "Y = EHC plan"};
inline constexpr ElementName kSENSupportFlag{"SENSupportFlag", NameSource::kErrorCatalogue, "",
                                             "added after 2015 (errors 303/304); position after SENDFlag is our choice"};
inline constexpr ElementName kCharacteristics{"Characteristics", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kCharacteristicCode{"CharacteristicCode", NameSource::kXsd2015, "IC01", ""};

// Current activity dataset.
inline constexpr ElementName kActivities{"Activities", NameSource::kXsd2015, "", "current activity dataset"};
inline constexpr ElementName kCohort{"Cohort", NameSource::kXsd2015, "", "the 2015 XSD's name for the activity node"};
inline constexpr ElementName kActivityCode{"ActivityCode", NameSource::kXsd2015, "CA01", ""};
inline constexpr ElementName kStartDate{"StartDate", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kDateAscertained{"DateAscertained", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kDateVerified{"DateVerified", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kReviewDate{"ReviewDate", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kDueToLapseDate{"DueToLapseDate", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kCurrencyLapsed{"CurrencyLapsed", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kNEETStartDate{"NEETStartDate", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kPredictedEndDate{"PredictedEndDate", NameSource::kXsd2015, "", ""};

// Intended destination dataset (Year 11).
inline constexpr ElementName kIntendedDestination{"IntendedDestination", NameSource::kXsd2015, "", ""};
inline constexpr ElementName kIntendedDestinationYr11{"IntendedDestinationYr11", NameSource::kXsd2015, "ID01", ""};

// Pathways extensions (written only when NccisOptions::extensions is on).
inline constexpr ElementName kPathwaysExtensions{"PathwaysExtensions", NameSource::kPathways, "",
                                                 "container for fields DfE does not collect; last child of YoungPersonsRecord"};
inline constexpr ElementName kReturnDataset{"ReturnDataset", NameSource::kPathways, "",
                                            "why the person is in the return: cohort_16_17, send_18_24, year_11, leaver"};
inline constexpr ElementName kLeavingDate{"LeavingDate", NameSource::kPathways, "", "leavers: the date they left, when known"};
inline constexpr ElementName kNEETReason{"NEETReason", NameSource::kPathways, "",
                                         "NEET codes: awaiting_start, applied, supported, not_ready, unwilling"};

}  // namespace el

// Every name once, for documentation and tests (LEACode serves the header and the guarantee).
inline constexpr std::array kAllElements = {
    el::kRoot, el::kFileHeader, el::kDatabases, el::kDatabaseId, el::kSourceLEAs, el::kLEACode, el::kDateOfSend,
    el::kPeriodEnd, el::kSupplierName, el::kSupplierXMLVersion, el::kXMLSchemaVersion, el::kYoungPersonsRecord,
    el::kPersonalDetails, el::kYoungPersonsID, el::kCohortStatus, el::kGivenName, el::kFamilyName, el::kPostcode,
    el::kGender, el::kDOB, el::kEthnicity, el::kLeadLEA, el::kTransferredToLACode, el::kUniqueLearnerNo,
    el::kUniquePupilNumber, el::kGuaranteeStatusIndicator, el::kSeptemberGuarantee, el::kYear11, el::kYear12,
    el::kGuaranteeStatus, el::kLevelOfNeed, el::kLevelOfNeedCode, el::kSENDFlag, el::kSENSupportFlag,
    el::kCharacteristics, el::kCharacteristicCode, el::kActivities, el::kCohort, el::kActivityCode, el::kStartDate,
    el::kDateAscertained, el::kDateVerified, el::kReviewDate, el::kDueToLapseDate, el::kCurrencyLapsed,
    el::kNEETStartDate, el::kPredictedEndDate, el::kIntendedDestination, el::kIntendedDestinationYr11,
    el::kPathwaysExtensions, el::kReturnDataset, el::kLeavingDate, el::kNEETReason,
};

// The value written in FileHeader/XMLSchemaVersion: the layout this code writes.
inline constexpr std::string_view kLayoutVersion = "pathways-nccis-1 (NCCIS 2015 XSD layout)";

}  // namespace pathways::nccis
