"""Make the test set of certificates: PDFs with a text layer, scans without one, and photos.

Run from the repository's root: `.venv/bin/python tests/data/certificates/make_certificates.py`.
Each certificate is our own Typst template below with its true values; the script writes
the files next to itself and `truth.json`, which tests/proofs/test_reading.py reads.

- `<name>.pdf`: typeset by Typst, with its text layer.
- `<name>-scan.pdf`: the page as a picture only (150 dpi, gray), in a PDF made by Pillow.
- `<name>-photo.jpg|png|heic`: a phone photo: the page on a table, turned a few degrees, with
  less contrast, a little blur and (JPEG, HEIC) strong compression.
"""

import io
import json
import random
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pillow_heif
import pypdfium2
import typst
from PIL import Image, ImageEnhance, ImageFilter, ImageOps

HERE = Path(__file__).parent

PORTRAIT = "#set page(paper: \"us-letter\", margin: 1in)\n"
LANDSCAPE = "#set page(paper: \"us-letter\", flipped: true, margin: 0.8in)\n"


def font(name: str, size: int) -> str:
    return f'#set text(font: "{name}", size: {size}pt)\n#set par(justify: false)\n'


def truth(**values: str) -> dict[str, str]:
    """A certificate's true values: title, provider, completed_on (and started_on for a
    period) as ISO dates, quantity as a decimal string in the unit of kind."""
    return values


# name: (Typst markup, true values, pictures to make of it: "scan", "jpg", "png", "heic")
CERTIFICATES = {
    "forklift": (LANDSCAPE + font("DejaVu Serif", 14) + """
#align(center)[
#text(size: 34pt)[Certificate of Completion]
#v(1em)
This certifies that
#v(0.5em)
#text(size: 26pt, style: "italic")[Maria Lopez]
#v(0.5em)
has successfully completed
#v(0.5em)
#text(size: 22pt, weight: "bold")[Forklift Operator Safety Training]
#v(1em)
8.0 contact hours
#v(0.5em)
Completed August 10, 2025
#v(2em)
#grid(columns: (1fr, 1fr), gutter: 2em,
  [#line(length: 80%) \\ Dana Ruiz, Lead Instructor],
  [#line(length: 80%) \\ Midwest Safety Council])
]
""", truth(title="Forklift Operator Safety Training", provider="Midwest Safety Council",
          completed_on="2025-08-10", quantity="8", kind="training"), ("scan",)),

    "osha-30": ("#set page(width: 7in, height: 4.5in, margin: 0.4in)\n"
                + font("Liberation Sans", 12) + """
#align(center)[#text(size: 18pt, weight: "bold")[OSHA Outreach Training Program]]
#align(center)[Student Course Completion Card]
#v(0.8em)
Name: Tyrone Jackson \\
Course: 30-Hour Construction Industry Outreach Training \\
Date: 03/14/2024 \\
Trainer: P. Alvarez \\
Issued by: Keystone Safety Training Institute
#v(0.5em)
#text(size: 9pt)[This card is not a license. Keep it with you on the job site.]
""", truth(title="30-Hour Construction Industry Outreach Training",
          provider="Keystone Safety Training Institute", completed_on="2024-03-14",
          quantity="30", kind="training"), ("jpg",)),

    "blueprint-credit": (PORTRAIT + font("Liberation Serif", 11) + """
#align(center)[#text(size: 18pt, weight: "bold")[Central Ohio Community College]
\\ Office of the Registrar \\ Official Grade Report]
#v(1em)
Student: Emily Chen #h(1fr) Student ID: 0048812
#v(1em)
#table(columns: (auto, 1fr, auto, auto, auto), inset: 6pt,
  [*Course*], [*Title*], [*Term*], [*Credit Hours*], [*Grade*],
  [MFG 110], [Blueprint Reading for Manufacturing], [Fall 2023], [3.0], [A])
#v(1em)
Date completed: 12/15/2023
#v(2em)
Registrar, Central Ohio Community College
""", truth(title="Blueprint Reading for Manufacturing", provider="Central Ohio Community College",
          completed_on="2023-12-15", quantity="3", kind="college-credit"), ("scan",)),

    "lean-ceu": (LANDSCAPE + font("DejaVu Sans", 13) + """
#align(center)[
#text(size: 28pt, fill: rgb("#1a4d8f"))[CERTIFICATE OF ACHIEVEMENT]
#v(1em)
This certificate is awarded to
#v(0.4em)
#text(size: 24pt)[James Carter]
#v(0.4em)
for successfully completing
#v(0.4em)
#text(size: 20pt, weight: "bold")[Lean Manufacturing Fundamentals]
#v(1em)
0.8 CEUs #h(3em) Issued 2024-05-22
#v(1.5em)
Provider: Tri-County Technical College
]
""", truth(title="Lean Manufacturing Fundamentals", provider="Tri-County Technical College",
          completed_on="2024-05-22", quantity="8", kind="training"), ("jpg",)),

    "conference-letter": (PORTRAIT + font("DejaVu Serif", 11) + """
#text(size: 16pt, weight: "bold")[Great Lakes Manufacturing Association]
\\ 400 Harbor Drive, Detroit, MI 48226
#v(2em)
October 10, 2024
#v(1em)
Dear Ms. Nguyen,
#v(0.5em)
Thank you for attending the 2024 Advanced Manufacturing Conference, held in Detroit on
October 3, 2024. Our records show that you attended 12 hours of education sessions.
Please keep this letter as proof of your attendance.
#v(1em)
Sincerely,
#v(2em)
Laura Benson \\
Events Director \\
Great Lakes Manufacturing Association
""", truth(title="2024 Advanced Manufacturing Conference",
          provider="Great Lakes Manufacturing Association", completed_on="2024-10-03",
          quantity="12", kind="conference"), ("jpg",)),

    "employment-letter": (PORTRAIT + font("Liberation Sans", 11) + """
#text(size: 15pt, weight: "bold")[Acme Precision Manufacturing, Inc.]
\\ Human Resources Department
#v(2em)
July 15, 2024
#v(1em)
To whom it may concern:
#v(0.5em)
This letter confirms that David Kim has been employed by Acme Precision Manufacturing,
Inc. as a CNC Machine Operator from March 1, 2021 to June 30, 2024. He worked full time,
40 hours a week, on our second shift.
#v(1em)
Sincerely,
#v(2em)
Karen White \\
HR Manager
""", truth(title="CNC Machine Operator", provider="Acme Precision Manufacturing, Inc.",
          started_on="2021-03-01", completed_on="2024-06-30", quantity="40", kind="job"),
        ("scan",)),

    "six-sigma": (LANDSCAPE + font("Liberation Serif", 15) + """
#align(center)[
#text(size: 20pt, weight: "bold")[American Quality Institute]
#v(1.5em)
#text(size: 30pt)[Certification]
#v(1em)
Be it known that
#v(0.4em)
#text(size: 24pt)[Samantha Reyes]
#v(0.4em)
has met the requirements and is hereby certified as a
#v(0.4em)
#text(size: 22pt, weight: "bold")[Lean Six Sigma Green Belt]
#v(1em)
Certification No. GB-2291 #h(3em) Awarded: 15 Jan 2025
]
""", truth(title="Lean Six Sigma Green Belt", provider="American Quality Institute",
          completed_on="2025-01-15", quantity="1", kind="certification"), ("heic",)),

    "army-supply": (LANDSCAPE + font("DejaVu Serif", 14) + """
#align(center)[
#text(size: 16pt, weight: "bold")[U.S. Army Combined Arms Support Command]
\\ Fort Gregg-Adams, Virginia
#v(1.2em)
#text(size: 28pt)[Certificate of Training]
#v(1em)
This is to certify that
#v(0.3em)
#text(size: 22pt)[SGT Robert Hayes]
#v(0.3em)
has successfully completed
#v(0.3em)
#text(size: 20pt, weight: "bold")[Unit Supply Specialist Advanced Course]
#v(0.8em)
80 academic hours, completed 12 September 2024
]
""", truth(title="Unit Supply Specialist Advanced Course",
          provider="U.S. Army Combined Arms Support Command", completed_on="2024-09-12",
          quantity="80", kind="training"), ("scan", "png")),

    "habitat-volunteer": (PORTRAIT + font("DejaVu Sans", 11) + """
#text(size: 16pt, weight: "bold")[Springfield Habitat for Humanity]
#v(2em)
May 2, 2024
#v(1em)
To whom it may concern:
#v(0.5em)
We thank Angela Brown for volunteering 16 hours at our Spring Home Build, which she
completed on April 27, 2024. Her work helped a family move into a safe home.
#v(1em)
With thanks,
#v(2em)
Mark Ellis, Volunteer Coordinator \\
Springfield Habitat for Humanity
""", truth(title="Spring Home Build", provider="Springfield Habitat for Humanity",
          completed_on="2024-04-27", quantity="16", kind="volunteering"), ("jpg",)),

    "robotics-online": (LANDSCAPE + font("Liberation Sans", 13) + """
#align(right)[Aug. 3, 2024]
#v(1em)
#text(size: 26pt, weight: "bold")[Introduction to Industrial Robotics]
#v(0.5em)
Luis Ortega has successfully completed Introduction to Industrial Robotics, an online
non-credit course of about 12 hours.
#v(2em)
Course provider: Northfield University Online
""", truth(title="Introduction to Industrial Robotics", provider="Northfield University Online",
          completed_on="2024-08-03", quantity="12", kind="training"), ("png",)),

    "plc-workshop": (LANDSCAPE + font("DejaVu Sans", 13) + """
#align(center)[
#text(size: 30pt)[Certificate of Attendance]
#v(1em)
Presented to
#v(0.3em)
#text(size: 24pt)[Kevin Wright]
#v(0.3em)
for attending the
#v(0.3em)
#text(size: 20pt, weight: "bold")[PLC Troubleshooting Workshop]
#v(0.8em)
16 hours #h(2em) November 7, 2024
#v(1.5em)
Presented by: Rivertown Technical Center
]
""", truth(title="PLC Troubleshooting Workshop", provider="Rivertown Technical Center",
          completed_on="2024-11-07", quantity="16", kind="training"), ("scan",)),

    "lockout-record": (PORTRAIT + font("Liberation Sans", 11) + """
#text(size: 14pt, weight: "bold")[Training Record]
#v(1em)
#table(columns: (auto, 1fr), inset: 7pt,
  [Employee:], [Brian Foster],
  [Course Title:], [Lockout/Tagout Authorized Employee Training],
  [Date:], [02/05/2025],
  [Duration:], [4 hours],
  [Trainer:], [Sue Park],
  [Company:], [Delta Plastics LLC])
#v(2em)
Employee signature: #box(width: 2in, repeat[.])
""", truth(title="Lockout/Tagout Authorized Employee Training", provider="Delta Plastics LLC",
          completed_on="2025-02-05", quantity="4", kind="training"), ("jpg",)),

    "first-aid": ("#set page(width: 8in, height: 5in, margin: 0.5in)\n"
                  + font("DejaVu Sans", 12) + """
#text(size: 18pt, weight: "bold")[National First Aid Council]
#v(0.5em)
#text(size: 15pt)[Adult First Aid/CPR/AED]
#v(0.5em)
Participant: Olivia Martin \\
Date of course: 2025-03-18 \\
Course length: 5.5 hours \\
Expires: 2027-03-18
#v(0.5em)
Instructor ID 55812
""", truth(title="Adult First Aid/CPR/AED", provider="National First Aid Council",
          completed_on="2025-03-18", quantity="5.5", kind="training"), ("jpg",)),

    "quality-symposium": (LANDSCAPE + font("Liberation Serif", 15) + """
#align(center)[
#text(size: 28pt)[Certificate of Participation]
#v(1em)
awarded to Priya Patel for participating in the
#v(0.3em)
#text(size: 22pt, weight: "bold")[Regional Quality Symposium]
#v(0.8em)
6.5 PDH #h(2em) June 9, 2023
#v(1.5em)
Hosted by: Ohio Valley Quality Council
]
""", truth(title="Regional Quality Symposium", provider="Ohio Valley Quality Council",
          completed_on="2023-06-09", quantity="6.5", kind="conference"), ("scan",)),

    "welder-certified": (PORTRAIT + font("DejaVu Serif", 12) + """
#align(center)[
#text(size: 18pt, weight: "bold")[Gulf Coast Welding Academy]
#v(2em)
#text(size: 24pt)[Welder Certification]
#v(1em)
This certifies that Marcus Hill has passed the performance test and is certified as a
#v(0.3em)
#text(size: 18pt, weight: "bold")[Structural Steel Welder]
#v(1em)
Test date: May 2, 2024 \\
Certification Number: W-4471
]
""", truth(title="Structural Steel Welder", provider="Gulf Coast Welding Academy",
          completed_on="2024-05-02", quantity="1", kind="certification"), ()),

    "hazmat": (PORTRAIT + font("Liberation Sans", 12) + """
#text(size: 20pt, weight: "bold")[Certificate of Training]
#v(1em)
Nicole Adams
#v(0.5em)
has completed
#v(0.5em)
#text(size: 16pt)[DOT Hazardous Materials Awareness]
#v(1em)
Completion date: 9 January 2025 \\
Training time: 8 hrs
#v(2em)
Issued by: SafeRoute Compliance Services
""", truth(title="DOT Hazardous Materials Awareness", provider="SafeRoute Compliance Services",
          completed_on="2025-01-09", quantity="8", kind="training"), ("png",)),

    "statistics-credit": (PORTRAIT + font("DejaVu Serif", 11) + """
#text(size: 16pt, weight: "bold")[Lakeshore State College]
\\ Office of the Registrar
#v(2em)
December 20, 2024
#v(1em)
To whom it may concern:
#v(0.5em)
This is to confirm that Jordan Lee completed STAT 101 Statistics for Technicians with a
grade of B, earning 3 semester credit hours. The course ended on December 13, 2024.
#v(1em)
Sincerely,
#v(2em)
Office of the Registrar, Lakeshore State College
""", truth(title="STAT 101 Statistics for Technicians", provider="Lakeshore State College",
          completed_on="2024-12-13", quantity="3", kind="college-credit"), ()),

    "iso-auditor": (LANDSCAPE + font("DejaVu Sans", 12) + """
#align(center)[
#text(size: 15pt, weight: "bold")[Quality Systems Academy]
#v(1em)
#text(size: 28pt)[Certificate of Completion]
#v(1em)
This certifies that Hannah Scott has successfully completed
#v(0.3em)
#text(size: 20pt, weight: "bold")[ISO 9001 Internal Auditor Training]
#v(0.8em)
24 contact hours (2.4 CEUs)
#v(0.3em)
April 12, 2024
]
""", truth(title="ISO 9001 Internal Auditor Training", provider="Quality Systems Academy",
          completed_on="2024-04-12", quantity="24", kind="training"), ("heic",)),

    "arc-flash": (PORTRAIT + font("DejaVu Sans", 12) + """
#align(center)[
#text(size: 14pt)[Summit Electrical Training Center]
#v(2em)
#text(size: 24pt, weight: "bold")[Certificate]
#v(1em)
Course: Arc Flash Safety (NFPA 70E) \\
Participant: Ethan Brooks \\
Date: 10/21/2024 \\
Hours: 6
]
""", truth(title="Arc Flash Safety (NFPA 70E)", provider="Summit Electrical Training Center",
          completed_on="2024-10-21", quantity="6", kind="training"), ("scan",)),

    "expo-attendance": (LANDSCAPE + font("Liberation Sans", 16) + """
#align(center)[
#text(size: 36pt, weight: "bold")[Midwest Manufacturing Expo 2025]
#v(1em)
#text(size: 24pt)[Certificate of Attendance]
#v(1em)
Anthony Rivera attended 10 hours of education sessions
#v(0.3em)
March 5, 2025
#v(1.5em)
Metal Fabricators Alliance
]
""", truth(title="Midwest Manufacturing Expo 2025", provider="Metal Fabricators Alliance",
          completed_on="2025-03-05", quantity="10", kind="conference"), ()),

    "army-lifesaver": (LANDSCAPE + font("Liberation Serif", 15) + """
#align(center)[
#text(size: 16pt)[Department of the Army]
#v(0.3em)
#text(size: 16pt, weight: "bold")[U.S. Army Medical Center of Excellence]
#v(1.5em)
#text(size: 28pt)[Certificate of Training]
#v(1em)
SPC Alicia Morgan has successfully completed the
#v(0.3em)
#text(size: 22pt, weight: "bold")[Combat Lifesaver Course]
#v(0.8em)
40 hours #h(2em) 18 March 2025
]
""", truth(title="Combat Lifesaver Course", provider="U.S. Army Medical Center of Excellence",
          completed_on="2025-03-18", quantity="40", kind="training"), ("heic", "jpg")),

    "packaging-job": (PORTRAIT + font("DejaVu Serif", 11) + """
#text(size: 15pt, weight: "bold")[Riverside Foods Co.]
\\ 12 Mill Road, Dayton, OH
#v(2em)
February 3, 2023
#v(1em)
Employment verification
#v(0.5em)
Rosa Diaz worked for Riverside Foods Co. as a Packaging Line Lead, January 2019 - December
2022, full time.
#v(2em)
Tom Becker, Plant Manager
""", truth(title="Packaging Line Lead", provider="Riverside Foods Co.",
          started_on="2019-01-01", completed_on="2022-12-31", quantity="48", kind="job"),
        ("scan",)),

    # Written after the reading rules were tuned on the certificates above, to measure them
    # on layouts they had not seen.
    "hydraulics-webinar": (LANDSCAPE + font("Liberation Sans", 14) + """
#align(center)[
#text(size: 14pt, weight: "bold")[Fluid Power Society of America]
#v(1em)
#text(size: 30pt)[Certificate of Completion]
#v(0.8em)
Awarded to Chris Evans for completing the webinar
#v(0.3em)
#text(size: 20pt, weight: "bold")[Hydraulics Fundamentals for Maintenance Techs]
#v(0.8em)
Date: September 30, 2024 #h(2em) Credits: 2 contact hours
]
""", truth(title="Hydraulics Fundamentals for Maintenance Techs",
           provider="Fluid Power Society of America", completed_on="2024-09-30",
           quantity="2", kind="training"), ("jpg",)),

    "navy-hydraulics": (PORTRAIT + font("DejaVu Sans Mono", 11) + """
NAVAL EDUCATION AND TRAINING COMMAND
#v(1em)
CERTIFICATE OF COMPLETION
#v(1em)
THIS IS TO CERTIFY THAT
#v(0.3em)
PETTY OFFICER JANE DOE
#v(0.3em)
HAS SATISFACTORILY COMPLETED
#v(0.3em)
BASIC HYDRAULICS
#v(0.3em)
14 HOURS
#v(0.3em)
05 FEB 2024
""", truth(title="BASIC HYDRAULICS", provider="NAVAL EDUCATION AND TRAINING COMMAND",
           completed_on="2024-02-05", quantity="14", kind="training"), ("scan",)),

    "confined-space": ("#set page(width: 6in, height: 4in, margin: 0.4in)\n"
                       + font("DejaVu Sans", 11) + """
#text(size: 15pt, weight: "bold")[Confined Space Entry Training]
#v(0.5em)
Trainee: Victor Nunez \\
Completion Date: 11-04-2024 \\
Length: 8 hours \\
Trainer: Harbor Industrial Safety LLC
""", truth(title="Confined Space Entry Training", provider="Harbor Industrial Safety LLC",
           completed_on="2024-11-04", quantity="8", kind="training"), ("png",)),

    "maintenance-conference": (PORTRAIT + font("Liberation Serif", 12) + """
#text(size: 16pt, weight: "bold")[Society for Maintenance Professionals]
#v(2em)
Attendance Verification
#v(1em)
Name: Grace Kim \\
Event: International Maintenance Conference \\
Dates: December 4-6, 2023 \\
CEUs: 1.2
#v(2em)
Verified by the Education Committee, January 8, 2024
""", truth(title="International Maintenance Conference",
           provider="Society for Maintenance Professionals", completed_on="2023-12-06",
           quantity="12", kind="conference"), ("jpg",)),

    "inspector-job": (PORTRAIT + font("DejaVu Sans", 11) + """
#text(size: 15pt, weight: "bold")[Parker Plastics LLC]
#v(2em)
March 1, 2025
#v(1em)
To whom it may concern:
#v(0.5em)
Sam Ortiz has worked at Parker Plastics LLC as a Quality Inspector from May 4, 2020 to
February 28, 2025, full time.
#v(1em)
Regards,
#v(2em)
Nina Shah, Human Resources
""", truth(title="Quality Inspector", provider="Parker Plastics LLC", started_on="2020-05-04",
           completed_on="2025-02-28", quantity="57", kind="job"), ("scan",)),

    "stem-judge": (LANDSCAPE + font("DejaVu Serif", 14) + """
#align(center)[
#text(size: 28pt)[Certificate of Appreciation]
#v(1em)
Lincoln High School thanks
#v(0.3em)
#text(size: 22pt)[Omar Farouk]
#v(0.3em)
for volunteering as a judge at the
#v(0.3em)
#text(size: 20pt, weight: "bold")[Regional STEM Fair]
#v(0.8em)
6 hours on 3/22/2025
]
""", truth(title="Regional STEM Fair", provider="Lincoln High School",
           completed_on="2025-03-22", quantity="6", kind="volunteering"), ()),
    # Written after the second round of tuning, and measured before any change for them.
    "osha-10-card": ("#set page(width: 7in, height: 4.5in, margin: 0.4in)\n"
                     + font("DejaVu Sans", 11) + """
#align(center)[#text(size: 16pt, weight: "bold")[OSHA 10-Hour General Industry]]
#v(0.6em)
This card acknowledges that
#v(0.2em)
#align(center)[#text(size: 14pt)[Derek Chang]]
#v(0.2em)
has completed a 10-hour Occupational Safety and Health Training Course in General Industry.
#v(0.6em)
Date of Completion: 7/18/2024 \\
Training Organization: Great Plains Safety Institute
""", truth(title="OSHA 10-Hour General Industry", provider="Great Plains Safety Institute",
           completed_on="2024-07-18", quantity="10", kind="training"), ("jpg",)),

    "electrical-maintenance": (LANDSCAPE + font("Liberation Serif", 15) + """
#align(center)[
#text(size: 18pt, weight: "bold")[Blue Ridge Community College]
#v(0.3em)
Workforce Development
#v(1.2em)
#text(size: 28pt)[Certificate of Achievement]
#v(0.8em)
is awarded to Tanya Brooks in
#v(0.3em)
#text(size: 22pt, weight: "bold")[Industrial Electrical Maintenance]
#v(0.8em)
45 clock hours
#v(0.3em)
Conferred this 14th day of June, 2024
]
""", truth(title="Industrial Electrical Maintenance", provider="Blue Ridge Community College",
           completed_on="2024-06-14", quantity="45", kind="training"), ("scan",)),

    "army-ssd": (PORTRAIT + font("Liberation Sans", 11) + """
#align(center)[#text(size: 14pt, weight: "bold")[Army University]
\\ Army Training Requirements and Resources System]
#v(1.5em)
#align(center)[#text(size: 20pt)[Certificate of Completion]]
#v(1em)
Name: SPC Kyle Bennett \\
Course: Structured Self-Development Level 1 \\
Course length: 80 hours \\
Completion Date: 20240611
""", truth(title="Structured Self-Development Level 1", provider="Army University",
           completed_on="2024-06-11", quantity="80", kind="training"), ("png",)),

    "blood-drive": (PORTRAIT + font("DejaVu Serif", 11) + """
#text(size: 16pt, weight: "bold")[American Red Cross]
\\ Volunteer Services
#v(2em)
#text(size: 14pt)[Volunteer Service Record]
#v(1em)
Volunteer: Lisa Wong \\
Activity: Blood Drive Support \\
Date of service: 10/05/2024 \\
Hours: 5
""", truth(title="Blood Drive Support", provider="American Red Cross",
           completed_on="2024-10-05", quantity="5", kind="volunteering"), ("jpg",)),
}


def typeset(markup: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "certificate.typ")
        path.write_text(markup)
        # A fixed date in the PDF, so the same template makes the same file.
        return typst.compile(str(path), format="pdf",
                             timestamp=datetime(2025, 1, 1, tzinfo=UTC))


def page_image(pdf_data: bytes, dpi: int) -> Image.Image:
    pdf = pypdfium2.PdfDocument(pdf_data)
    try:
        return pdf[0].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        pdf.close()


def scan(pdf_data: bytes) -> bytes:
    """The page as a gray picture in a PDF, with no text layer."""
    image = ImageOps.grayscale(page_image(pdf_data, 150))
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=150, quality=60)
    return buffer.getvalue()


def photo(pdf_data: bytes, seed: int) -> Image.Image:
    """The page as a phone sees it on a table: turned 2-4 degrees, dull, a bit soft."""
    chance = random.Random(seed)
    page = page_image(pdf_data, 150)
    page = ImageEnhance.Contrast(page).enhance(0.55)
    page = ImageEnhance.Brightness(page).enhance(0.92)
    table = Image.new("RGB", (page.width + 120, page.height + 120), (96, 84, 70))
    table.paste(page, (60, 60))
    turn = chance.choice((-1, 1)) * chance.uniform(2, 4)
    turned = table.rotate(turn, resample=Image.Resampling.BICUBIC, expand=True,
                          fillcolor=(96, 84, 70))
    turned = turned.filter(ImageFilter.GaussianBlur(0.6))
    width = 1500
    return turned.resize((width, round(turned.height * width / turned.width)),
                         Image.Resampling.LANCZOS)


def save_photo(image: Image.Image, kind: str) -> bytes:
    buffer = io.BytesIO()
    if kind == "jpg":
        image.save(buffer, "JPEG", quality=50)
    elif kind == "png":
        ImageOps.grayscale(image).save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "HEIF", quality=50)
    return buffer.getvalue()


def main() -> None:
    pillow_heif.register_heif_opener()
    truth = {}
    for number, (name, (markup, values, pictures)) in enumerate(CERTIFICATES.items()):
        pdf_data = typeset(markup)
        files = {f"{name}.pdf": pdf_data}
        for picture in pictures:
            if picture == "scan":
                files[f"{name}-scan.pdf"] = scan(pdf_data)
            else:
                files[f"{name}-photo.{picture}"] = save_photo(photo(pdf_data, number), picture)
        for filename, data in files.items():
            (HERE / filename).write_bytes(data)
            truth[filename] = {"text_layer": filename == f"{name}.pdf", **values}
    (HERE / "truth.json").write_text(json.dumps(truth, indent=1) + "\n")


if __name__ == "__main__":
    main()
